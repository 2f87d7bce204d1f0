// The Go twin of the Rust listing ch02-signals-without-data, for comparison:
// a "go" signal sent once per employee, and a "stop" signal given to
// everyone at once by closing a channel.
package main

import (
	"fmt"
	"os"
	"sync"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// ANCHOR: go_and_stop
	const teamSize = 2
	start := make(chan struct{}) // "go" (a Go keyword, so it needs another name)
	stop := make(chan struct{})  // nobody ever sends on it: it is only closed

	var team sync.WaitGroup
	team.Add(teamSize)
	for e := 1; e <= teamSize; e++ {
		go func(e int) {
			defer team.Done()
			fmt.Printf("employee %d : waiting for go\n", e)
			<-start // the signal is the arrival itself
			fmt.Printf("employee %d : got the go signal\n", e)
			<-stop // returns once stop is closed
			fmt.Printf("employee %d : got the stop signal\n", e)
		}(e)
	}

	// One send wakes exactly one employee, so the manager sends once each.
	for i := 0; i < teamSize; i++ {
		start <- struct{}{}
	}
	fmt.Printf("manager : handed off %d go signals\n", teamSize)

	// One close wakes every employee waiting on the channel.
	fmt.Println("manager : closing the stop channel")
	close(stop)

	team.Wait() // wait for the team
	// ANCHOR_END: go_and_stop
}
