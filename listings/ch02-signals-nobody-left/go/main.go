// The Go twin of the Rust listing ch02-signals-nobody-left, for comparison.
// Go cannot tell the manager that nobody is left to receive: the employee
// says so itself, by closing a channel as it leaves.
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

	// ANCHOR: nobody_left
	papers := make(chan string) // unbuffered: a rendezvous
	left := make(chan struct{}) // closed by the employee as it leaves

	go func() {
		defer close(left) // "I have left": nobody will receive on papers again
		paper := <-papers
		fmt.Printf("employee : received %s, leaving\n", paper)
	}()

	papers <- "paper 1"
	fmt.Println("manager : handed off paper 1")

	// Wait until the employee has gone.
	<-left

	// A plain send would now block forever: Go does not know that nobody
	// will ever receive. The select sends only if someone takes the paper;
	// `left` is closed, so that case is ready and the select takes it.
	paper := "paper 2"
	select {
	case papers <- paper:
		fmt.Println("manager : handed off", paper)
	case <-left:
		// The send never happened: the paper is still in the manager's hand.
		fmt.Printf("manager : nobody is left, %s came back\n", paper)
	}
	// ANCHOR_END: nobody_left
}
