// The Go companion of ch12-cancellation: the manager waits for a result
// until a deadline, then gives up waiting; a late employee must not leak.
package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// Job 1 is quick, and the manager gives it a whole second.
	fmt.Println("manager : hired employee 1 for job 1")
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	result, done := hire(ctx, 1, func() int { return 6 * 7 })
	report(ctx, 1, result)
	cancel()
	<-done
	fmt.Println("manager : employee 1 has gone home")

	// Job 2 is held by a gate that the manager opens after giving up.
	gate := make(chan struct{})
	fmt.Println("manager : hired employee 2 for job 2")
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	result, done = hire(ctx, 2, func() int { <-gate; return 6 * 7 })
	report(ctx, 2, result)
	cancel()
	close(gate)
	<-done
	fmt.Println("manager : employee 2 has gone home")
}

// ANCHOR: hire
// hire starts employee e on work. The result channel has room for one
// value, so the employee's send never blocks, even when nobody will ever
// receive it: the goroutine ends instead of leaking. done is closed when
// the employee has gone home.
func hire(ctx context.Context, e int, work func() int) (<-chan int, <-chan struct{}) {
	result := make(chan int, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := work()
		// Only for the message: the buffer is what makes the send safe,
		// even if the manager gives up right after this check.
		if ctx.Err() != nil {
			fmt.Printf("employee %d : nobody is waiting for my result\n", e)
			return
		}
		result <- r
		// Weaker than in Rust: the result is in the buffer, not yet taken.
		// The manager may still give up waiting and never read it.
		fmt.Printf("employee %d : handed off my result\n", e)
	}()
	return result, done
}

// ANCHOR_END: hire

// ANCHOR: wait
// report waits for the result until the context's deadline.
func report(ctx context.Context, job int, result <-chan int) {
	select {
	case r := <-result:
		fmt.Printf("manager : received the result of job %d: %d\n", job, r)
	case <-ctx.Done(): // or: case <-time.After(timeout):
		fmt.Printf("manager : gave up waiting for job %d\n", job)
	}
}

// ANCHOR_END: wait
