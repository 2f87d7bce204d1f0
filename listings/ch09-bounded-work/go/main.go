// The Go twin of the Rust listing ch09-bounded-work: a known amount of work,
// staged in an in-tray, closed, and emptied by a team of one per CPU.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// ANCHOR: bounded_work
	const work = 10
	papers := make(chan int, work) // an in-tray with room for all the work
	for p := 0; p < work; p++ {
		papers <- p // never waits: there is room
		fmt.Printf("manager : put paper %d in the in-tray\n", p)
	}
	close(papers)
	fmt.Println("manager : sent shutdown signal")

	g := runtime.NumCPU()
	var team sync.WaitGroup
	var done atomic.Int64
	team.Add(g)
	for e := 0; e < g; e++ {
		go func(e int) {
			defer team.Done()
			for p := range papers {
				fmt.Printf("employee %d : received paper %d\n", e, p)
				time.Sleep(2 * time.Millisecond) // the work
				done.Add(1)
			}
			fmt.Printf("employee %d : received shutdown signal\n", e)
		}(e)
	}
	fmt.Printf("manager : hired %d employees\n", g)

	team.Wait() // wait for the team
	fmt.Printf("manager : all %d papers done, moving on\n", done.Load())
	// ANCHOR_END: bounded_work
}
