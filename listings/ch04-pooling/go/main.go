// The Go twin of the Rust listing ch04-pooling, for comparison: a team of
// one employee per logical CPU, fed by hand-offs, and a manager who waits
// for the team instead of sleeping.
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

	// ANCHOR: pooling
	papers := make(chan int) // unbuffered: every send is a hand-off

	teamSize := runtime.NumCPU()
	var team sync.WaitGroup
	team.Add(teamSize) // count the team before hiring it
	for e := 0; e < teamSize; e++ {
		go func(e int) {
			defer team.Done() // counted out however the employee leaves
			for p := range papers {
				fmt.Printf("employee %d : received paper %d\n", e, p)
				time.Sleep(5 * time.Millisecond) // the work takes a little while
			}
			fmt.Printf("employee %d : received shutdown signal\n", e)
		}(e)
	}

	for p := 0; p < 10; p++ {
		papers <- p // waits until some employee is free and takes it
		fmt.Printf("manager : handed off paper %d\n", p)
	}

	close(papers)
	fmt.Println("manager : sent shutdown signal")

	team.Wait() // wait for the team
	fmt.Println("manager : the team has gone home")
	// ANCHOR_END: pooling
}
