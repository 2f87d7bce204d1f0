// The Go companion of ch13-retry-deadline: try, wait an interval, try
// again, and give up at a deadline.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}
	interval := 10 * time.Millisecond

	// Run 1: the line is busy twice, then the call goes through.
	fmt.Println("manager : hired employee 1 to call the supplier")
	e, done := hire(func(n int) (int, error) {
		if n < 3 {
			fmt.Printf("employee 1 : attempt %d: the line is busy\n", n)
			return 0, errors.New("busy")
		}
		fmt.Printf("employee 1 : attempt %d: got through\n", n)
		return 42, nil
	})
	say(retry(e, interval, time.Second))
	<-done
	fmt.Println("manager : employee 1 has gone home")

	// Run 2: the line is always busy; the employee keeps quiet.
	fmt.Println("manager : hired employee 2 to call the supplier")
	e, done = hire(func(int) (int, error) { return 0, errors.New("busy") })
	say(retry(e, interval, 30*time.Millisecond))
	<-done
	fmt.Println("manager : employee 2 has gone home")
}

type report struct {
	value int
	err   error
}

type employee struct {
	tries   chan<- int
	reports <-chan report
}

// ANCHOR: hire
// hire starts an employee who makes each attempt it is asked for. done is
// closed when it has gone home.
func hire(attempt func(int) (int, error)) (employee, <-chan struct{}) {
	tries := make(chan int, 1)
	// Room for one: the manager asks for an attempt only after reading the
	// last report, so this send never blocks, even after the manager left.
	reports := make(chan report, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n := range tries { // ends when the manager closes tries
			v, err := attempt(n)
			reports <- report{v, err}
		}
	}()
	return employee{tries, reports}, done
}

// ANCHOR_END: hire

type outcome struct {
	value, attempts int
	err             error
}

// ANCHOR: retry
func retry(e employee, interval, timeout time.Duration) outcome {
	defer close(e.tries) // the employee goes home after the attempt in hand
	if interval <= 0 {
		return outcome{err: errors.New("a zero interval would retry in a busy loop")}
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	for n := 1; ; n++ {
		if ctx.Err() != nil { // never start an attempt after the deadline
			return outcome{attempts: n - 1, err: ctx.Err()}
		}
		e.tries <- n
		select {
		case r := <-e.reports:
			if r.err == nil {
				return outcome{value: r.value, attempts: n}
			}
		case <-ctx.Done():
			return outcome{attempts: n, err: ctx.Err()}
		}
		select {
		case <-time.After(interval): // counted from the failure
		case <-ctx.Done():
			return outcome{attempts: n, err: ctx.Err()}
		}
	}
}

// ANCHOR_END: retry

func say(o outcome) {
	switch {
	case o.err == nil:
		fmt.Printf("manager : got %d on attempt %d\n", o.value, o.attempts)
	case errors.Is(o.err, context.DeadlineExceeded):
		fmt.Println("manager : gave up at the deadline")
	default:
		fmt.Printf("manager : %v\n", o.err)
	}
}
