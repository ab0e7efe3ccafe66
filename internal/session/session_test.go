package session_test

import (
	"context"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/session"
)

func TestDeleteExpired(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	_, err := pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES
		('old1', '\x01', now() - interval '1 day'),
		('old2', '\x02', now() - interval '1 second'),
		('live1', '\x03', now() + interval '6 hours'),
		('live2', '\x04', now() + interval '1 minute')`)
	if err != nil {
		t.Fatal(err)
	}

	n, err := session.DeleteExpired(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("DeleteExpired = %d, want 2", n)
	}
	rows, err := pool.Query(ctx, `SELECT token FROM sessions ORDER BY token`)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for rows.Next() {
		var tok string
		if err := rows.Scan(&tok); err != nil {
			t.Fatal(err)
		}
		left = append(left, tok)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || left[0] != "live1" || left[1] != "live2" {
		t.Errorf("sessions left = %v, want [live1 live2]", left)
	}

	// A second run finds nothing more to delete.
	n, err = session.DeleteExpired(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("second DeleteExpired = %d, want 0", n)
	}
}
