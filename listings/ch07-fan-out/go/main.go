// The Go twin of the Rust listing ch07-fan-out, for comparison.
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

	// ANCHOR: fan_out
	const papers = 20
	reports := make(chan string, papers) // an in-tray: room for every report
	var team sync.WaitGroup

	// Hire one employee per paper.
	for p := 0; p < papers; p++ {
		team.Add(1)
		go func(paper int) {
			defer team.Done()
			// Papers differ in length: each takes 1 to 4 ms.
			time.Sleep(time.Duration(1+paper%4) * time.Millisecond)
			reports <- fmt.Sprintf("report on paper %d", paper) // never waits
			fmt.Printf("employee %d : put the report on paper %d in the in-tray\n", paper, paper)
		}(p)
	}
	fmt.Printf("manager : hired %d employees\n", papers)

	// Exactly one report per employee: receive that many, then stop.
	var inHand []string
	for left := papers - 1; left >= 0; left-- {
		inHand = append(inHand, <-reports)
		fmt.Printf("manager : received a report, %d to go\n", left)
	}

	team.Wait() // wait for the team, so no employee's last line is lost
	fmt.Println("manager : every report is in, the team has gone home")
	// ANCHOR_END: fan_out
	fmt.Printf("manager : %d reports in hand\n", len(inHand))
}
