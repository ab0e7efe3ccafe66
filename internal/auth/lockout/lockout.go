// Package lockout stops password guessing on the login form: after Limit
// failed logins, the username and the client address are each locked for
// Period (5 and 6 hours, the reference's django-defender defaults). The
// two identities are counted independently: a locked address cannot try
// other usernames, and a locked username cannot be tried from elsewhere.
//
// Counters live in Redis when it is configured (RedisStore), else in the
// PostgreSQL table login_lockout (PGStore). Both stores compare times
// given by the Limiter's clock with timestamps they keep, so tests drive
// a fake clock against the real servers; Redis key expiry only collects
// garbage.
package lockout

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris must resolve on hosts without tzdata
)

// Reference defaults (django-defender): 5 failures, locked 6 hours.
const (
	DefaultLimit  = 5
	DefaultPeriod = 6 * time.Hour
)

// Kind names what is counted.
type Kind string

const (
	KindUsername Kind = "username"
	KindAddress  Kind = "address"
)

// Store keeps the failure counters of each (kind, ident).
type Store interface {
	// Fail records a failure at now. A counter older than period starts
	// again from one; reaching limit locks until now+period. It returns
	// the end of the lock, zero when not locked. A failure recorded while
	// locked does not extend the lock.
	Fail(ctx context.Context, kind Kind, ident string, now time.Time, limit int, period time.Duration) (time.Time, error)
	// LockedUntil returns the end of the current lock, zero when none.
	LockedUntil(ctx context.Context, kind Kind, ident string, now time.Time) (time.Time, error)
	// Reset forgets the counter.
	Reset(ctx context.Context, kind Kind, ident string) error
}

// Limiter applies the lockout rules on a Store.
type Limiter struct {
	Store  Store
	Now    func() time.Time
	Limit  int
	Period time.Duration
}

// New returns a Limiter with the reference defaults; now is time.Now
// when nil.
func New(store Store, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{Store: store, Now: now, Limit: DefaultLimit, Period: DefaultPeriod}
}

// Lock tells which identity is locked and until when.
type Lock struct {
	Kind  Kind
	Until time.Time
}

// paris is the time zone of the messages.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Message is the French text shown on the login form. The time is
// rounded up to the minute, so the user never retries too early.
func (l *Lock) Message() string {
	until := l.Until.In(paris)
	if t := until.Truncate(time.Minute); t.Before(until) {
		until = t.Add(time.Minute)
	}
	when := until.Format("02/01/2006 à 15:04")
	if l.Kind == KindAddress {
		return fmt.Sprintf("Trop de tentatives de connexion depuis votre adresse : les connexions sont bloquées jusqu'au %s.", when)
	}
	return fmt.Sprintf("Trop de tentatives de connexion : ce compte est bloqué jusqu'au %s.", when)
}

// NormalizeUsername is the counted form of what was typed in the login
// form: identifiers are case-insensitive.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ident bounds what is stored: a very long identifier (typed by a robot)
// is replaced by its digest.
func ident(s string) string {
	if len(s) <= 200 {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

type counted struct {
	kind  Kind
	ident string
}

func targets(username, addr string) []counted {
	var out []counted
	if u := NormalizeUsername(username); u != "" {
		out = append(out, counted{KindUsername, ident(u)})
	}
	if addr != "" {
		out = append(out, counted{KindAddress, ident(addr)})
	}
	return out
}

// Check returns the lock that refuses a login attempt for this username
// from this address, or nil. The username lock is reported first.
func (l *Limiter) Check(ctx context.Context, username, addr string) (*Lock, error) {
	now := l.Now()
	for _, c := range targets(username, addr) {
		until, err := l.Store.LockedUntil(ctx, c.kind, c.ident, now)
		if err != nil {
			return nil, fmt.Errorf("verrouillage des connexions : %w", err)
		}
		if !until.IsZero() {
			return &Lock{Kind: c.kind, Until: until}, nil
		}
	}
	return nil, nil
}

// Fail records a failed login for both identities and returns the lock
// now in force, or nil.
func (l *Limiter) Fail(ctx context.Context, username, addr string) (*Lock, error) {
	now := l.Now()
	var lock *Lock
	for _, c := range targets(username, addr) {
		until, err := l.Store.Fail(ctx, c.kind, c.ident, now, l.Limit, l.Period)
		if err != nil {
			return nil, fmt.Errorf("verrouillage des connexions : %w", err)
		}
		if !until.IsZero() && lock == nil {
			lock = &Lock{Kind: c.kind, Until: until}
		}
	}
	return lock, nil
}

// Succeed resets the username counter after a successful login. The
// address counter is kept: one valid account must not let an address
// go on guessing others.
func (l *Limiter) Succeed(ctx context.Context, username string) error {
	u := NormalizeUsername(username)
	if u == "" {
		return nil
	}
	if err := l.Store.Reset(ctx, KindUsername, ident(u)); err != nil {
		return fmt.Errorf("verrouillage des connexions : %w", err)
	}
	return nil
}
