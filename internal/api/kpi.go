package api

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// KPITTL is how long the indicators of one scope are served before they
// are counted again: SIAP's dashboard asks them at every display, and a
// national count reads tens of thousands of conventions.
const KPITTL = 30 * time.Second

// kpiCache keeps the indicators per scope (not per user: every
// habilitation with the same perimeter shares them), and counts a scope
// once however many calls arrive together.
type kpiCache struct {
	ttl   time.Duration
	now   func() time.Time
	group singleflight.Group
	mu    sync.Mutex
	m     map[string]kpiEntry
}

type kpiEntry struct {
	kpis    []convention.Indicator
	expires time.Time
}

func newKPICache(ttl time.Duration, now func() time.Time) *kpiCache {
	if now == nil {
		now = time.Now
	}
	return &kpiCache{ttl: ttl, now: now, m: map[string]kpiEntry{}}
}

// scopeKey is what the indicators of s depend on: its profile (which
// indicators) and everything its convention scope reads.
func scopeKey(s *access.Subject) string {
	r := access.Role{}
	if s.Role != nil {
		r = *s.Role
	}
	return fmt.Sprintf("%t|%t|%s|%s|%d|%d|%s|%s|%v|%v", s.IsActive, s.IsSuperuser, r.Typologie, r.Profile, r.AdministrationID,
		r.BailleurID, r.PerimetreRegion, r.PerimetreDepartement, s.BailleurIDs, s.FiltreDepartements)
}

// get returns the indicators of s, counted by count when absent or old.
func (c *kpiCache) get(ctx context.Context, s *access.Subject, count func(context.Context) ([]convention.Indicator, error)) ([]convention.Indicator, error) {
	if c.ttl <= 0 {
		return count(ctx)
	}
	key := scopeKey(s)
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && c.now().Before(e.expires) {
		return e.kpis, nil
	}
	v, err, _ := c.group.Do(key, func() (any, error) {
		kpis, err := count(ctx)
		if err != nil {
			return nil, err
		}
		now := c.now()
		c.mu.Lock()
		defer c.mu.Unlock()
		for k, old := range c.m {
			if now.After(old.expires) {
				delete(c.m, k)
			}
		}
		c.m[key] = kpiEntry{kpis: kpis, expires: now.Add(c.ttl)}
		return kpis, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]convention.Indicator), nil
}
