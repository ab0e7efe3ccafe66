package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// ErrNoRedis is returned when no Redis URL is configured.
var ErrNoRedis = errors.New("aucun Redis configuré pour la file de tâches : définissez REDIS_URL (ou SCALINGO_REDIS_URL)")

// RedisOpt reads a Redis URL (redis://, rediss://, unix://) into asynq
// connection options. Errors never repeat the URL: it holds the password.
func RedisOpt(url string) (asynq.RedisClientOpt, error) {
	if url == "" {
		return asynq.RedisClientOpt{}, ErrNoRedis
	}
	o, err := redis.ParseURL(url)
	if err != nil {
		return asynq.RedisClientOpt{}, fmt.Errorf("REDIS_URL invalide (attendu redis://[utilisateur:mot-de-passe@]hôte:port/base) : %v", redactedErr(err, url))
	}
	return asynq.RedisClientOpt{
		Network:      o.Network,
		Addr:         o.Addr,
		Username:     o.Username,
		Password:     o.Password,
		DB:           o.DB,
		DialTimeout:  o.DialTimeout,
		ReadTimeout:  o.ReadTimeout,
		WriteTimeout: o.WriteTimeout,
		PoolSize:     o.PoolSize,
		TLSConfig:    o.TLSConfig,
	}, nil
}

// redactedErr hides the URL when a parser quotes it in its error.
func redactedErr(err error, url string) string {
	return strings.ReplaceAll(err.Error(), url, "<REDIS_URL>")
}

// Client enqueues tasks; the web process holds one for its lifetime.
type Client struct {
	c *asynq.Client
}

// NewClient connects an enqueue client to the Redis at url.
func NewClient(url string) (*Client, error) {
	opt, err := RedisOpt(url)
	if err != nil {
		return nil, err
	}
	return &Client{c: asynq.NewClient(opt)}, nil
}

// Enqueue adds a task of kind k whose payload is v encoded in JSON (nil:
// no payload). Enqueue after the transaction that makes the task needed
// has committed.
func (c *Client) Enqueue(ctx context.Context, k Kind, v any, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	var payload []byte
	if v != nil {
		var err error
		if payload, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("tâche %q : contenu impossible à encoder : %w", k.Type, err)
		}
	}
	info, err := c.c.EnqueueContext(ctx, k.NewTask(payload), opts...)
	if err != nil {
		return nil, fmt.Errorf("mise en file de la tâche %q : %w", k.Type, err)
	}
	return info, nil
}

// Close releases the connections.
func (c *Client) Close() error { return c.c.Close() }
