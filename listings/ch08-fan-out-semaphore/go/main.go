// The Go twin of the Rust listing ch08-fan-out-semaphore: one goroutine per
// paper, at most `limit` of them at work at once.
package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

const (
	papers = 20
	limit  = 3
)

// atWork counts the employees at work now, and the most ever at once.
var atWork, mostAtWork atomic.Int64

func startWork() {
	now := atWork.Add(1)
	for {
		most := mostAtWork.Load()
		if now <= most || mostAtWork.CompareAndSwap(most, now) {
			return
		}
	}
}

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// ANCHOR: fan_out_semaphore
	sem := make(chan struct{}, limit) // room for `limit` permits
	results := make(chan int, papers) // room for every result
	var team sync.WaitGroup

	for e := 0; e < papers; e++ {
		team.Add(1)
		go func(e int) {
			defer team.Done()
			paper := e
			sem <- struct{}{}        // waits while every permit is taken
			defer func() { <-sem }() // gives the permit back, even on a panic
			startWork()
			fmt.Printf("employee %d : got a permit, working on paper %d\n", e, paper)
			time.Sleep(2 * time.Millisecond) // the work
			results <- paper                 // never waits: there is room
			fmt.Printf("employee %d : sent the result of paper %d, giving the permit back\n", e, paper)
			atWork.Add(-1)
		}(e)
	}
	fmt.Printf("manager : hired %d employees, %d may work at once\n", papers, limit)

	// Nobody closes results: the manager counts them instead.
	received := 0
	for i := 0; i < papers; i++ {
		<-results
		received++
	}
	team.Wait()
	fmt.Printf("manager : received %d results\n", received)
	// ANCHOR_END: fan_out_semaphore

	if most := mostAtWork.Load(); most > limit {
		fmt.Fprintf(os.Stderr, "error: %d employees were at work at once, more than %d\n", most, limit)
		os.Exit(1)
	}
	fmt.Printf("manager : at most %d employees were ever at work at once\n", limit)
}
