package lockout

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/redistest"
)

// clock is a fake time source moved by the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// stores returns a fresh store of each kind, on the real servers.
func stores(t *testing.T) map[string]func(t *testing.T) Store {
	return map[string]func(t *testing.T) Store{
		"redis": func(t *testing.T) Store {
			opt, err := redis.ParseURL(redistest.URL(t))
			if err != nil {
				t.Fatal(err)
			}
			c := redis.NewClient(opt)
			t.Cleanup(func() { c.Close() })
			return NewRedisStore(c)
		},
		"postgresql": func(t *testing.T) Store { return NewPGStore(dbtest.Pool(t)) },
	}
}

// A start time far from the real clock: locks must follow the given clock,
// not the servers' own.
var start = time.Date(2031, 3, 14, 9, 0, 0, 0, time.UTC)

func newLimiter(t *testing.T, mk func(t *testing.T) Store) (*Limiter, *clock) {
	c := &clock{t: start}
	return New(mk(t), c.Now), c
}

func fail(t *testing.T, l *Limiter, user, addr string, n int) *Lock {
	t.Helper()
	var lock *Lock
	for range n {
		var err error
		if lock, err = l.Fail(context.Background(), user, addr); err != nil {
			t.Fatal(err)
		}
	}
	return lock
}

func check(t *testing.T, l *Limiter, user, addr string) *Lock {
	t.Helper()
	lock, err := l.Check(context.Background(), user, addr)
	if err != nil {
		t.Fatal(err)
	}
	return lock
}

func TestLockout(t *testing.T) {
	for name, mk := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("verrouillé après 5 échecs, libéré après 6 h", func(t *testing.T) {
				l, c := newLimiter(t, mk)
				if lock := fail(t, l, "sabine", "192.0.2.1", 4); lock != nil {
					t.Fatalf("verrouillé après 4 échecs : %+v", lock)
				}
				if lock := check(t, l, "sabine", "192.0.2.1"); lock != nil {
					t.Fatalf("verrouillé après 4 échecs : %+v", lock)
				}
				lock := fail(t, l, "sabine", "192.0.2.1", 1)
				want := start.Add(DefaultPeriod)
				if lock == nil || lock.Kind != KindUsername || !lock.Until.Equal(want) {
					t.Fatalf("5e échec : %+v, verrou du compte jusqu'à %v attendu", lock, want)
				}
				// Both identities are locked.
				if lock := check(t, l, "sabine", "198.51.100.7"); lock == nil || lock.Kind != KindUsername {
					t.Errorf("compte depuis une autre adresse : %+v", lock)
				}
				if lock := check(t, l, "roger", "192.0.2.1"); lock == nil || lock.Kind != KindAddress || !lock.Until.Equal(want) {
					t.Errorf("autre compte depuis la même adresse : %+v", lock)
				}
				if lock := check(t, l, "roger", "198.51.100.7"); lock != nil {
					t.Errorf("autre compte, autre adresse : %+v", lock)
				}
				// A failure while locked does not extend the lock.
				c.Advance(time.Hour)
				if lock := fail(t, l, "sabine", "192.0.2.1", 1); lock == nil || !lock.Until.Equal(want) {
					t.Errorf("échec pendant le verrou : %+v, fin inchangée %v attendue", lock, want)
				}
				c.Advance(DefaultPeriod - time.Hour - time.Second)
				if lock := check(t, l, "sabine", "192.0.2.1"); lock == nil {
					t.Error("libéré une seconde trop tôt")
				}
				c.Advance(time.Second)
				if lock := check(t, l, "sabine", "192.0.2.1"); lock != nil {
					t.Errorf("toujours verrouillé après 6 h : %+v", lock)
				}
				// The count starts again from zero.
				if lock := fail(t, l, "sabine", "192.0.2.1", 4); lock != nil {
					t.Errorf("verrouillé dès le 1er échec après la période : %+v", lock)
				}
				if lock := fail(t, l, "sabine", "192.0.2.1", 1); lock == nil {
					t.Error("5 nouveaux échecs sans verrou")
				}
			})
			t.Run("compte et adresse comptés séparément", func(t *testing.T) {
				l, _ := newLimiter(t, mk)
				for _, a := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"} {
					fail(t, l, "Nicolas", a, 1)
				}
				if lock := fail(t, l, "NICOLAS ", "192.0.2.5", 1); lock == nil || lock.Kind != KindUsername {
					t.Errorf("5 échecs du même compte (casse différente) depuis 5 adresses : %+v", lock)
				}
				if lock := check(t, l, "autre", "192.0.2.1"); lock != nil {
					t.Errorf("adresse verrouillée après un seul échec : %+v", lock)
				}
				for _, u := range []string{"a", "b", "c", "d"} {
					fail(t, l, u, "2001:db8::1", 1)
				}
				if lock := fail(t, l, "e", "2001:db8::1", 1); lock == nil || lock.Kind != KindAddress {
					t.Errorf("5 comptes depuis la même adresse : %+v", lock)
				}
				if lock := check(t, l, "a", "2001:db8::2"); lock != nil {
					t.Errorf("compte verrouillé après un seul échec : %+v", lock)
				}
			})
			t.Run("échecs espacés de plus de 6 h", func(t *testing.T) {
				l, c := newLimiter(t, mk)
				fail(t, l, "sophie", "192.0.2.9", 4)
				c.Advance(DefaultPeriod)
				if lock := fail(t, l, "sophie", "192.0.2.9", 1); lock != nil {
					t.Errorf("échecs anciens comptés : %+v", lock)
				}
			})
			t.Run("une connexion réussie remet le compte à zéro", func(t *testing.T) {
				l, _ := newLimiter(t, mk)
				fail(t, l, "raph", "192.0.2.20", 4)
				if err := l.Succeed(context.Background(), "RAPH"); err != nil {
					t.Fatal(err)
				}
				if lock := fail(t, l, "raph", "192.0.2.21", 4); lock != nil {
					t.Errorf("compteur du compte non remis à zéro : %+v", lock)
				}
				// The address counter is kept: 4 + 1.
				if lock := fail(t, l, "x", "192.0.2.20", 1); lock == nil || lock.Kind != KindAddress {
					t.Errorf("compteur de l'adresse remis à zéro par la connexion : %+v", lock)
				}
			})
			t.Run("identifiant très long", func(t *testing.T) {
				l, _ := newLimiter(t, mk)
				long := strings.Repeat("a", 5000)
				fail(t, l, long, "", 5)
				if lock := check(t, l, long, ""); lock == nil || lock.Kind != KindUsername {
					t.Errorf("identifiant long : %+v", lock)
				}
				if lock := check(t, l, long[:4999], ""); lock != nil {
					t.Errorf("identifiant voisin verrouillé : %+v", lock)
				}
			})
		})
	}
}

func TestPurge(t *testing.T) {
	s := NewPGStore(dbtest.Pool(t))
	ctx := context.Background()
	for _, id := range []string{"ancien", "verrouille", "recent"} {
		n := 1
		if id == "verrouille" {
			n = 5
		}
		at := start
		if id == "recent" {
			at = start.Add(5 * time.Hour)
		}
		for range n {
			if _, err := s.Fail(ctx, KindUsername, id, at, 5, DefaultPeriod); err != nil {
				t.Fatal(err)
			}
		}
	}
	// At start+6h: "ancien" is over; "verrouille" is locked until exactly
	// now, so over too; "recent" still counts.
	n, err := s.Purge(ctx, start.Add(DefaultPeriod), DefaultPeriod)
	if err != nil || n != 2 {
		t.Fatalf("purge : %d lignes, %v ; 2 attendues", n, err)
	}
	var left string
	if err := s.Pool.QueryRow(ctx, `SELECT string_agg(ident, ',') FROM login_lockout`).Scan(&left); err != nil || left != "recent" {
		t.Errorf("restant : %q %v", left, err)
	}
}

func TestMessage(t *testing.T) {
	// 13:04:30 UTC is 14:04:30 in Paris (winter time): shown as 14:05.
	until := time.Date(2026, 11, 26, 13, 4, 30, 0, time.UTC)
	got := (&Lock{Kind: KindUsername, Until: until}).Message()
	if want := "Trop de tentatives de connexion : ce compte est bloqué jusqu'au 26/11/2026 à 14:05."; got != want {
		t.Errorf("message %q, attendu %q", got, want)
	}
	// Summer time, exact minute.
	got = (&Lock{Kind: KindAddress, Until: time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)}).Message()
	if want := "Trop de tentatives de connexion depuis votre adresse : les connexions sont bloquées jusqu'au 01/07/2026 à 10:00."; got != want {
		t.Errorf("message %q, attendu %q", got, want)
	}
}
