// The Go twin of the Rust listing ch10-drop, for comparison.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}
	rush(runtime.NumCPU(), 3, 6)
}

// ANCHOR: offer
// offer hands paper to the in-tray if it can do so at once; otherwise
// the paper is dropped. It reports whether the paper was accepted.
func offer(inTray chan<- int, paper int) bool {
	select {
	case inTray <- paper: // the in-tray had room
		fmt.Printf("manager : put paper %d in the in-tray\n", paper)
		return true
	default: // the in-tray is full: drop the paper
		fmt.Printf("manager : in-tray full, dropped paper %d\n", paper)
		return false
	}
}

// ANCHOR_END: offer

func rush(teamSize, capacity, papers int) {
	inTray := make(chan int, capacity)

	// To make every run the same, an employee holds each paper until the
	// manager opens the gate (closes it). It stands for slow work.
	holding := make(chan int, teamSize+capacity)
	gate := make(chan struct{})

	var team sync.WaitGroup
	for e := 0; e < teamSize; e++ {
		team.Add(1)
		go func(e int) {
			defer team.Done()
			for p := range inTray {
				fmt.Printf("employee %d : received paper %d\n", e, p)
				holding <- p
				<-gate
			}
			fmt.Printf("employee %d : received shutdown signal\n", e)
		}(e)
	}

	for p := 0; p < teamSize; p++ {
		inTray <- p
		<-holding
	}
	fmt.Println("manager : every employee is busy")

	accepted, dropped := 0, 0
	for p := teamSize; p < teamSize+papers; p++ {
		if offer(inTray, p) {
			accepted++
		} else {
			dropped++
		}
	}
	fmt.Printf("manager : accepted %d, dropped %d\n", accepted, dropped)

	close(gate)
	fmt.Println("manager : opened the gate")
	close(inTray)
	fmt.Println("manager : sent shutdown signal")
	team.Wait()
	fmt.Println("manager : the team has gone home")
}
