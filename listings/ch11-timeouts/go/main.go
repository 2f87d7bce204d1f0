// The Go twin of the Rust listing ch11-timeouts, for comparison.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}
	rush(runtime.NumCPU(), 2, 10*time.Millisecond)
}

// ANCHOR: hand_off
// handOff waits at most patience for an employee to take paper.
// It reports whether one did; if not, the manager still has the paper.
func handOff(papers chan<- int, paper int, patience time.Duration) bool {
	timer := time.NewTimer(patience)
	defer timer.Stop()
	select {
	case papers <- paper:
		fmt.Printf("manager : handed off paper %d\n", paper)
		return true
	case <-timer.C:
		fmt.Printf("manager : nobody took paper %d in time\n", paper)
		return false
	}
}

// ANCHOR_END: hand_off

func rush(teamSize, extra int, patience time.Duration) {
	papers := make(chan int) // unbuffered: a hand-off, so a timeout means nobody took it

	// To make every run the same, an employee holds each paper until the
	// manager opens the gate (closes it). It stands for slow work.
	holding := make(chan int, teamSize+extra)
	gate := make(chan struct{})

	var team sync.WaitGroup
	for e := 0; e < teamSize; e++ {
		team.Add(1)
		go func(e int) {
			defer team.Done()
			for p := range papers {
				fmt.Printf("employee %d : received paper %d\n", e, p)
				holding <- p
				<-gate
			}
			fmt.Printf("employee %d : received shutdown signal\n", e)
		}(e)
	}

	for p := 0; p < teamSize; p++ {
		papers <- p
		<-holding
	}
	fmt.Println("manager : every employee is busy")

	var kept []int
	for p := teamSize; p < teamSize+extra; p++ {
		if !handOff(papers, p, patience) {
			fmt.Printf("manager : keeping paper %d for later\n", p)
			kept = append(kept, p)
		}
	}

	close(gate)
	fmt.Println("manager : opened the gate")
	for _, p := range kept {
		// A real manager would give up waiting here too; a plain send
		// only keeps this demo's output stable.
		papers <- p
		fmt.Printf("manager : handed off kept paper %d\n", p)
	}

	close(papers)
	fmt.Println("manager : sent shutdown signal")
	team.Wait()
	fmt.Println("manager : the team has gone home")
}
