// Package redistest lends each test a real Redis logical database of its
// own, so packages tested in parallel never share keys.
//
// The server is the one named by APILOS_TEST_REDIS_URL (make test starts a
// throwaway one and sets it); by default 127.0.0.1:6379.
package redistest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultAddr is used when APILOS_TEST_REDIS_URL is not set.
const DefaultAddr = "redis://127.0.0.1:6379"

// ServerURL is the URL of the test Redis server.
func ServerURL() string {
	if u := os.Getenv("APILOS_TEST_REDIS_URL"); u != "" {
		return u
	}
	return DefaultAddr
}

// URL reserves a logical database (1 to 15) for the test and returns its
// URL. The database is flushed before use and released at cleanup.
// Reservations are keys in database 0, so separate test binaries agree.
func URL(t testing.TB) string {
	t.Helper()
	opt, err := redis.ParseURL(ServerURL())
	if err != nil {
		t.Fatalf("APILOS_TEST_REDIS_URL invalide : %v", err)
	}
	ctx := context.Background()
	opt.DB = 0
	admin := redis.NewClient(opt)
	defer admin.Close()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		for n := 1; n <= 15; n++ {
			key := fmt.Sprintf("apilos:test:lock:%d", n)
			ok, err := admin.SetNX(ctx, key, os.Getpid(), 10*time.Minute).Result()
			if err != nil {
				t.Fatalf("redis de test injoignable (%s) : %v", ServerURL(), err)
			}
			if !ok {
				continue
			}
			o := *opt
			o.DB = n
			c := redis.NewClient(&o)
			if err := c.FlushDB(ctx).Err(); err != nil {
				t.Fatalf("flushdb : %v", err)
			}
			c.Close()
			t.Cleanup(func() {
				a := redis.NewClient(opt)
				defer a.Close()
				c := redis.NewClient(&o)
				c.FlushDB(context.Background())
				c.Close()
				a.Del(context.Background(), key)
			})
			return fmt.Sprintf("redis://%s/%d", opt.Addr, n)
		}
		if time.Now().After(deadline) {
			t.Fatal("aucune base redis de test libre")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
