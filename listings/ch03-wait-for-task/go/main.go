// The Go twin of the Rust listing ch03-wait-for-task, for comparison: one
// employee is hired before any work exists and waits for it.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// ANCHOR: wait_for_task
	papers := make(chan string)  // the hand-off: no room in it
	ready := make(chan struct{}) // a signal without data: "I am here"
	done := make(chan struct{})  // closed when the employee has finished

	go func() {
		defer close(done)
		fmt.Println("employee : hired, ready for work")
		ready <- struct{}{} // a hand-off too: returns once the manager has it
		fmt.Println("employee : waiting for a paper")
		paper, ok := <-papers
		if !ok { // papers was closed without a send
			fmt.Println("employee : no paper will come")
			return
		}
		fmt.Println("employee : received", paper)
	}()

	// The employee exists and says it is ready: only now does work appear.
	<-ready
	fmt.Println("manager : employee is ready, preparing a paper")
	time.Sleep(10 * time.Millisecond) // stands for: preparing takes time

	papers <- "paper" // returns only once the employee holds the paper
	fmt.Println("manager : handed off paper")

	<-done // wait for the employee, so its last line is never lost
	fmt.Println("manager : employee is done")
	// ANCHOR_END: wait_for_task
}
