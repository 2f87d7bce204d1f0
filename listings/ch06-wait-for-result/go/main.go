// The Go twin of the Rust listing ch06-wait-for-result, for comparison.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// ANCHOR: wait_for_result
	figures := []int{12, 30, 7}
	results := make(chan int) // unbuffered: the send waits for the manager
	var team sync.WaitGroup

	// Hire the employee with its job: there is no paper to hand off.
	team.Add(1)
	go func() {
		defer team.Done() // "I have gone home"
		fmt.Println("employee : hired, working on the job")
		time.Sleep(10 * time.Millisecond) // stands for: the job takes time
		total := 0
		for _, f := range figures {
			total += f
		}
		fmt.Println("employee : handing off the result")
		results <- total // returns once the manager has taken it
		fmt.Println("employee : handed off the result, going home")
	}()

	fmt.Println("manager : waiting for the result")
	total := <-results
	fmt.Println("manager : received the result", total)

	team.Wait() // wait for the team
	fmt.Println("manager : the employee has gone home")
	// ANCHOR_END: wait_for_result
	fmt.Println("manager : going on with the total", total)
}
