// The Go twin of the Rust listing ch05-scoped, for comparison: one employee
// per paper, each writing its count into its own slot, and a WaitGroup to
// wait for the whole team.
package main

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// readingTime stands for the time it takes to read one paper.
const readingTime = 5 * time.Millisecond

// ANCHOR: scoped
// countWords hires one employee per paper and returns how many words each
// paper has.
func countWords(papers []string) []int {
	counts := make([]int, len(papers))
	var team sync.WaitGroup
	for emp, paper := range papers {
		team.Add(1)
		// Before Go 1.22 the loop variables are shared by every iteration:
		// pass them in, so each employee gets its own paper.
		go func(emp int, paper string) {
			defer team.Done()
			time.Sleep(readingTime) // reading takes time
			counts[emp] = len(strings.Fields(paper))
			fmt.Printf("employee %d : paper %d has %d words\n", emp, emp, counts[emp])
		}(emp, paper)
	}
	team.Wait() // leave this out and the compiler says nothing
	return counts
}

// ANCHOR_END: scoped

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// ANCHOR: main
	text := "the manager hires a team\n" +
		"each employee takes one paper\n" +
		"nobody waits for work\n" +
		"the scope waits for everyone"
	papers := strings.Split(text, "\n")

	counts := countWords(papers)
	total := 0
	for _, c := range counts {
		total += c
	}
	fmt.Printf("manager : %d words in all, on %d papers\n", total, len(counts))
	// ANCHOR_END: main
}
