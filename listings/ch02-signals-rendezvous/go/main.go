// The Go twin of the Rust listing ch02-signals-rendezvous, for comparison:
// the manager hands one paper to one employee on an unbuffered channel.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// ANCHOR: hand_off
	papers := make(chan string) // unbuffered: a rendezvous, no room in it
	gone := make(chan struct{})

	go func() {
		defer close(gone) // "I have finished"
		// Waits until the manager hands a paper over.
		paper := <-papers
		fmt.Println("employee : received", paper)
	}()

	fmt.Println("manager : handing off paper")
	papers <- "paper" // returns only once the employee has taken it
	fmt.Println("manager : handed off paper")

	<-gone // wait for the employee
	// ANCHOR_END: hand_off
}
