package lockout

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore keeps one hash per identity, "apilos:lockout:<kind>:<ident>",
// with fields n (failures), start and until (Unix milliseconds). A Lua
// script makes each failure one atomic step. EXPIRE only collects stale
// keys; locks are decided on the stored timestamps.
type RedisStore struct {
	Client redis.UniversalClient
	// Prefix of the keys; "apilos:lockout:" when empty.
	Prefix string
}

// NewRedisStore returns a store on client.
func NewRedisStore(client redis.UniversalClient) *RedisStore {
	return &RedisStore{Client: client, Prefix: "apilos:lockout:"}
}

func (s *RedisStore) key(kind Kind, ident string) string {
	p := s.Prefix
	if p == "" {
		p = "apilos:lockout:"
	}
	return p + string(kind) + ":" + ident
}

// ARGV: now (ms), period (ms), limit, ttl (s). Returns until (ms, 0 = not locked).
var failScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'n', 'start', 'until')
local n = tonumber(v[1]) or 0
local start = tonumber(v[2]) or 0
local untl = tonumber(v[3]) or 0
if untl > now then
  return untl
end
if n == 0 or untl > 0 or now - start >= period then
  n = 0
  start = now
  untl = 0
end
n = n + 1
if n >= limit then
  untl = now + period
end
redis.call('HSET', KEYS[1], 'n', n, 'start', start, 'until', untl)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return untl
`)

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// Fail implements Store.
func (s *RedisStore) Fail(ctx context.Context, kind Kind, ident string, now time.Time, limit int, period time.Duration) (time.Time, error) {
	// The key outlives the lock by a period, whatever the caller's clock.
	ttl := int64(2 * period / time.Second)
	until, err := failScript.Run(ctx, s.Client, []string{s.key(kind, ident)},
		now.UnixMilli(), period.Milliseconds(), limit, ttl).Int64()
	if err != nil {
		return time.Time{}, err
	}
	return fromMillis(until), nil
}

// LockedUntil implements Store.
func (s *RedisStore) LockedUntil(ctx context.Context, kind Kind, ident string, now time.Time) (time.Time, error) {
	until, err := s.Client.HGet(ctx, s.key(kind, ident), "until").Int64()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	if until <= now.UnixMilli() {
		return time.Time{}, nil
	}
	return fromMillis(until), nil
}

// Reset implements Store.
func (s *RedisStore) Reset(ctx context.Context, kind Kind, ident string) error {
	return s.Client.Del(ctx, s.key(kind, ident)).Err()
}
