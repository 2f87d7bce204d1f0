// The Go pool that ch22-measure measures beside the Rust pools: a team of
// runtime.NumCPU() goroutines ranging over an unbuffered channel, fed one
// paper at a time by the main goroutine, doing the same busy-work.
//
// Usage: go-pool PAPERS WORK_NS
//
// It prints one line: the nanoseconds per paper from the first hand-off to
// the team gone home, the team size, and the operating system's context
// switches of the whole process from hiring the team to the team gone
// home, e.g. "312.4 ns/paper, team of 2, 15 voluntary and 3 involuntary
// switches" (without the switches where getrusage fails).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const usage = "usage: go-pool PAPERS WORK_NS (PAPERS > 0, WORK_NS >= 0)"

func main() {
	papers, work, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n%s\n", err, usage)
		os.Exit(2)
	}
	teamSize := runtime.NumCPU()
	// Around the hiring too, as ch22-measure counts a Rust pool's.
	before, countedBefore := switches()
	elapsed, done := measure(teamSize, papers, work)
	after, countedAfter := switches()
	// Every paper exactly once, or the number means nothing.
	if done != papers {
		fmt.Fprintf(os.Stderr, "error: %d papers handed off, %d done\n", papers, done)
		os.Exit(1)
	}
	perPaper := float64(elapsed.Nanoseconds()) / float64(papers)
	line := fmt.Sprintf("%.3f ns/paper, team of %d", perPaper, teamSize)
	if countedBefore && countedAfter {
		line += fmt.Sprintf(", %d voluntary and %d involuntary switches",
			after.voluntary-before.voluntary, after.involuntary-before.involuntary)
	}
	fmt.Println(line)
}

// counts are the operating system's context switches so far.
type counts struct{ voluntary, involuntary int64 }

// switches reads the context switches of the whole process, every OS
// thread the runtime started. A goroutine that waits on a channel is
// switched by Go's scheduler, in user space: the OS counts that only
// when an OS thread has nothing left to run and sleeps.
func switches() (counts, bool) {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return counts{}, false
	}
	// int64(): the fields are narrower on some platforms.
	return counts{int64(usage.Nvcsw), int64(usage.Nivcsw)}, true
}

func parseArgs(args []string) (int64, time.Duration, error) {
	if len(args) != 2 {
		return 0, 0, fmt.Errorf("expected 2 arguments, got %d", len(args))
	}
	papers, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || papers <= 0 {
		return 0, 0, fmt.Errorf("PAPERS must be a positive number, not `%s`", args[0])
	}
	work, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil || work < 0 {
		return 0, 0, fmt.Errorf("WORK_NS must be a number of nanoseconds, not `%s`", args[1])
	}
	return papers, time.Duration(work), nil
}

// ANCHOR: measure
// measure hires the team, then times the hand-offs of every paper, the
// shutdown signal and the wait for the team. It returns that time and the
// number of papers the team did.
func measure(teamSize int, papers int64, work time.Duration) (time.Duration, int64) {
	ch := make(chan int64) // unbuffered: every send is a hand-off
	var done int64
	var team sync.WaitGroup
	team.Add(teamSize)
	for e := 0; e < teamSize; e++ {
		go func() {
			defer team.Done()
			// Counted locally, added once: no shared counter per paper,
			// which the Rust pools do not have either.
			var mine int64
			for range ch {
				busy(work)
				mine++
			}
			atomic.AddInt64(&done, mine)
		}()
	}

	start := time.Now()
	for p := int64(0); p < papers; p++ {
		ch <- p // waits until some employee takes it
	}
	close(ch)   // the shutdown signal
	team.Wait() // the team has gone home
	return time.Since(start), atomic.LoadInt64(&done)
}

// ANCHOR_END: measure

// ANCHOR: busy
// busy keeps the CPU busy for d, spinning on the clock like the Rust
// listing's busy(), so that both do the same work.
func busy(d time.Duration) {
	if d == 0 {
		return // empty work: not even a look at the clock
	}
	start := time.Now()
	for time.Since(start) < d {
	}
}

// ANCHOR_END: busy
