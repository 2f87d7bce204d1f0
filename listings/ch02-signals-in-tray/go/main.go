// The Go twin of the Rust listing ch02-signals-in-tray, for comparison:
// the manager fills an in-tray before anyone is hired, closes it, and only
// then hires an employee to empty it.
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

	// ANCHOR: fill_then_drain
	tray := make(chan string, 3) // an in-tray with room for three papers

	// Nobody is hired yet, and still each send returns: the tray holds the paper.
	for n := 1; n <= 3; n++ {
		tray <- fmt.Sprintf("paper %d", n)
		fmt.Printf("manager : put paper %d in the in-tray\n", n)
	}

	// A fourth plain send would wait for room. A select with a default
	// case tries the send and, if it cannot happen now, takes the default.
	select {
	case tray <- "paper 4":
		fmt.Println("manager : put paper 4 in the in-tray")
	default:
		fmt.Println("manager : the in-tray is full, paper 4 stays on my desk")
	}

	close(tray) // the shutdown signal
	fmt.Println("manager : closed the in-tray")

	gone := make(chan struct{})
	go func() {
		defer close(gone)
		// A closed tray still hands out what lies in it; then the loop ends.
		for paper := range tray {
			fmt.Println("employee : received", paper)
		}
		fmt.Println("employee : the in-tray is empty and closed")
	}()
	<-gone // wait for the employee
	// ANCHOR_END: fill_then_drain
}
