// Package siaptest runs a fake SIAP server over HTTP for tests: it checks
// the incoming token as SIAP does (siap-Authorization header, HS256 with
// the shared key, protocol claims) and answers the bundled sample
// payloads, unless a test scripts other answers for a path.
package siaptest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// Path is the SIAP_CLIENT_PATH the fake serves.
const Path = "/api-int/v0"

// Paths of the routes, as the client builds them.
const (
	ConfigPath        = Path + "/config"
	HabilitationsPath = "/services/habilitation" + Path + "/habilitations"
	MenuPath          = Path + "/menu"
	FusionPath        = "/services/operation" + Path + "/journalisation-fusion"
	OperationPrefix   = "/services/operation" + Path + "/operation/"
)

// Server is the fake SIAP.
type Server struct {
	*httptest.Server
	t   testing.TB
	key []byte

	mu     sync.Mutex
	now    func() time.Time
	calls  []Call
	script map[string][]Answer
	habs   []byte
}

// Call is one request that passed the token check.
type Call struct {
	Path, Query string
	Login       string
	HabID       int64
}

// Answer is a scripted answer.
type Answer struct {
	Status int
	Body   string
	// Block holds the request until the client gives up (a timeout).
	Block bool
}

// NewServer starts a fake SIAP accepting tokens signed with key; it stops
// with the test.
func NewServer(t testing.TB, key []byte) *Server {
	s := &Server{t: t, key: key, script: map[string][]Answer{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// SetClock makes the server check token dates with now (a test that
// moves its client's clock moves SIAP's too); time.Now by default.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// On scripts the answers of a path, used in turn; the last one repeats.
func (s *Server) On(path string, answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[path] = answers
}

// SetHabilitations replaces the habilitations payload (JSON of
// {"habilitations": [...]}) served when the path is not scripted.
func (s *Server) SetHabilitations(body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.habs = body
}

// Calls returns the accepted requests so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the accepted requests of one path.
func (s *Server) CallsTo(path string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("siap-Authorization"), "Bearer ")
	if !ok {
		http.Error(w, `{"detail":"en-tête siap-Authorization absent"}`, http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	now := s.now
	s.mu.Unlock()
	claims, err := jwt.NewVerifier(s.key, now).Verify(tok)
	if err != nil {
		http.Error(w, `{"detail":"jeton refusé"}`, http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodGet || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, `{"detail":"requête inattendue"}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Path: r.URL.Path, Query: r.URL.RawQuery, Login: claims.UserLogin, HabID: claims.HabilitationID})
	var a Answer
	scripted := false
	if as := s.script[r.URL.Path]; len(as) > 0 {
		a, scripted = as[0], true
		if len(as) > 1 {
			s.script[r.URL.Path] = as[1:]
		}
	}
	habs := s.habs
	s.mu.Unlock()
	if scripted {
		if a.Block {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Minute):
			}
			return
		}
		w.WriteHeader(a.Status)
		w.Write([]byte(a.Body))
		return
	}
	var file string
	switch {
	case r.URL.Path == ConfigPath:
		file = "config.json"
	case r.URL.Path == HabilitationsPath:
		if habs != nil {
			w.Header().Set("Content-Type", "application/json")
			w.Write(habs)
			return
		}
		file = "habilitations.json"
	case r.URL.Path == MenuPath:
		file = "menu.json"
	case r.URL.Path == FusionPath && r.URL.Query().Get("siren") != "":
		file = "fusion.json"
	case r.URL.Path == OperationPrefix+siap.MockOperation:
		file = "operation.json"
	default:
		http.Error(w, `{"detail":"introuvable"}`, http.StatusNotFound)
		return
	}
	b, err := siap.MockPayloads.ReadFile("mock/" + file)
	if err != nil {
		s.t.Error(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// Client returns a client of this server signing with key (a wrong key
// tests the 401 path) and the given GET timeout (0: the default).
func (s *Server) Client(t testing.TB, key []byte, timeout time.Duration) *siap.Remote {
	c, err := siap.NewRemote(siap.Options{Host: s.URL + "/", Path: Path, SignKey: key, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
