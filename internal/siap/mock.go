package siap

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/MTES-MCT/apilos-go/internal/config"
)

// MockPayloads are the SIAP sample answers of the reference's mock mode
// (habilitations of a test user, menu, one operation, one fusion, config).
//
//go:embed mock/*.json
var MockPayloads embed.FS

// MockOperation is the only operation number the mock serves (§2.7).
const MockOperation = "20220600006"

// Mock answers from MockPayloads without any network (USE_MOCKED_SIAP_CLIENT):
// the same habilitations whatever the login or id.
type Mock struct {
	config        Config
	habilitations []Habilitation
	menu          []MenuItem
	operation     json.RawMessage
	fusions       []Fusion
}

// NewMock decodes the bundled payloads.
func NewMock() (*Mock, error) {
	m := &Mock{}
	var habs struct {
		Habilitations []Habilitation `json:"habilitations"`
	}
	var menu struct {
		MenuItems []MenuItem `json:"menuItems"`
	}
	for _, f := range []struct {
		name string
		dst  any
	}{
		{"config.json", &m.config}, {"habilitations.json", &habs}, {"menu.json", &menu},
		{"operation.json", &m.operation}, {"fusion.json", &m.fusions},
	} {
		b, err := MockPayloads.ReadFile("mock/" + f.name)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, f.dst); err != nil {
			return nil, fmt.Errorf("client SIAP simulé : %s illisible : %w", f.name, err)
		}
	}
	m.habilitations, m.menu = habs.Habilitations, menu.MenuItems
	return m, nil
}

// Config implements Client.
func (m *Mock) Config(context.Context) (Config, error) { return checkConfig(m.config) }

// Habilitations implements Client; each call gets its own copy.
func (m *Mock) Habilitations(context.Context, string, int64) ([]Habilitation, error) {
	return append([]Habilitation(nil), m.habilitations...), nil
}

// Menu implements Client.
func (m *Mock) Menu(context.Context, string, int64) ([]MenuItem, error) {
	return append([]MenuItem(nil), m.menu...), nil
}

// Operation implements Client: only MockOperation exists.
func (m *Mock) Operation(_ context.Context, _ string, _ int64, numero string) (json.RawMessage, error) {
	if numero != MockOperation {
		return nil, &Error{Kind: KindNotFound, Message: MsgNotFound, Detail: "opération " + numero + " (client SIAP simulé)"}
	}
	return append(json.RawMessage(nil), m.operation...), nil
}

// Fusions implements Client.
func (m *Mock) Fusions(context.Context, string, int64, string) ([]Fusion, error) {
	return append([]Fusion(nil), m.fusions...), nil
}

// FromConfig returns the client the configuration asks for: the mock when
// USE_MOCKED_SIAP_CLIENT is set, else the HTTP client, else nil when SIAP
// is not configured (no SIAP_CLIENT_HOST).
func FromConfig(cfg config.Config, log *slog.Logger) (Client, error) {
	if cfg.UseMockedSIAPClient {
		return NewMock()
	}
	if cfg.SIAPClientHost == "" {
		return nil, nil
	}
	return NewRemote(Options{
		Host: cfg.SIAPClientHost, Path: cfg.SIAPClientPath,
		SignKey: []byte(cfg.SIAPClientJWTSignKey), Logger: log,
	})
}
