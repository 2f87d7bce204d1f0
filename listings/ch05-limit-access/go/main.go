// The Go twin of the Rust listing ch05-limit-access, for comparison: a team
// of exactly as many employees as the database has connections, each
// employee owning one connection for its whole life.
package main

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

const (
	connections = 3                    // how many the database accepts at once
	papers      = 12                   // how many papers the manager hands out
	queryTime   = 2 * time.Millisecond // stands for the time a query takes
)

// ANCHOR: connection
// database keeps count: connections opened, in use now, and most ever in use.
type database struct {
	opened, inUse, mostInUse atomic.Int64
}

// connect opens a new connection. Each one gets its own number.
func (db *database) connect() *connection {
	return &connection{id: int(db.opened.Add(1) - 1), db: db}
}

// connection is one connection to the database, owned by one employee.
type connection struct {
	id int
	db *database
}

// query runs the query for one paper. The connection is in use while it runs.
func (c *connection) query(paper int, work func(int)) {
	now := c.db.inUse.Add(1)
	defer c.db.inUse.Add(-1) // runs even if work panics
	// Raise mostInUse to now. Go has no atomic max: retry until no other
	// employee changed it between the load and the swap.
	for most := c.db.mostInUse.Load(); now > most; most = c.db.mostInUse.Load() {
		if c.db.mostInUse.CompareAndSwap(most, now) {
			break
		}
	}
	work(paper)
}

// ANCHOR_END: connection

// done is one paper done: by which employee, on which connection.
type done struct{ employee, connection, paper int }

// report is what the manager learns once the team has finished.
type report struct {
	done              []done
	opened, mostInUse int
}

// ANCHOR: limit_access
// limitAccess hands papers, one at a time, to a team of teamSize employees,
// each owning one connection.
func limitAccess(teamSize, papers int, work func(int)) (report, error) {
	if teamSize == 0 {
		// Nobody would ever take a paper: refuse now.
		return report{}, errors.New("team size must be at least 1: with no employee, " +
			"no paper could ever be handed off")
	}

	db := &database{}
	tray := make(chan int) // unbuffered: every send is a hand-off

	var team sync.WaitGroup
	doneBy := make([][]done, teamSize) // each employee writes its own slot only
	team.Add(teamSize)
	for emp := 0; emp < teamSize; emp++ {
		conn := db.connect() // hire the employee with a connection of its own
		go func(emp int, conn *connection) {
			defer team.Done()
			for paper := range tray {
				conn.query(paper, work)
				fmt.Printf("employee %d : paper %d done\n", emp, paper)
				doneBy[emp] = append(doneBy[emp], done{emp, conn.id, paper})
			}
		}(emp, conn)
	}
	fmt.Printf("manager : hired %d employees, each owning one connection\n", teamSize)

	for paper := 0; paper < papers; paper++ {
		tray <- paper
	}
	close(tray)
	fmt.Println("manager : sent shutdown signal")

	team.Wait() // wait for the team, then report
	var all []done
	for _, d := range doneBy {
		all = append(all, d...)
	}
	return report{
		done:      all,
		opened:    int(db.opened.Load()),
		mostInUse: int(db.mostInUse.Load()),
	}, nil
}

// ANCHOR_END: limit_access

// withinLimit checks what the database counted against the limit.
func withinLimit(mostInUse, limit int) error {
	if mostInUse > limit {
		return fmt.Errorf("%d connections were in use at once, more than %d", mostInUse, limit)
	}
	return nil
}

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "error: unexpected argument `%s`; usage: go run .\n", os.Args[1])
		os.Exit(2)
	}

	// ANCHOR: main
	query := func(int) { time.Sleep(queryTime) } // a query takes a little time
	r, err := limitAccess(connections, papers, query)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}

	fmt.Printf("manager : %d papers done on %d connections\n", len(r.done), r.opened)
	// The counter, not a hope, decides what the manager may claim.
	if err := withinLimit(r.mostInUse, connections); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	fmt.Printf("manager : at most %d connections were ever in use at once\n", connections)
	// ANCHOR_END: main
}
