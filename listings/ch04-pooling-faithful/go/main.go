// The Go twin of the Rust listing ch04-pooling-faithful, for comparison:
// the program of the notes, written afresh. It ends with a sleep on purpose:
// that guess is what this listing is about, and what ch04-pooling replaces.
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// ANCHOR: pooling
	papers := make(chan int) // unbuffered: every send is a hand-off

	// Hire one employee per logical CPU. Nobody keeps track of them.
	for e := 0; e < runtime.NumCPU(); e++ {
		go func(e int) {
			// Ends once papers is closed and nothing is left to receive.
			for p := range papers {
				fmt.Printf("employee %d : received paper %d\n", e, p)
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

	// Give the team a second, and hope it is enough. Do not copy:
	// ch04-pooling waits for the team instead.
	time.Sleep(time.Second)
	// ANCHOR_END: pooling
}
