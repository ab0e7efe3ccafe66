// Package e2e drives Debian's Chromium from Go tests through the Chrome
// DevTools Protocol, over the pipe transport (--remote-debugging-pipe:
// JSON messages separated by NUL bytes on file descriptors 3 and 4), so
// no WebSocket library and no network port are needed.
//
// Only what the end-to-end tests use is here: open a page, navigate,
// evaluate JavaScript, wait for page loads, and collect console messages,
// log entries, exceptions and CSP violation reports.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// FindChromium returns the path of a Chromium binary, or "".
func FindChromium() string {
	if p := os.Getenv("APILOS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Event is a protocol event (a message without id).
type Event struct {
	Method    string          `json:"method"`
	Params    json.RawMessage `json:"params"`
	SessionID string          `json:"sessionId"`
}

type message struct {
	ID        int64           `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    any             `json:"params,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// Browser is one headless Chromium process.
type Browser struct {
	cmd     *exec.Cmd
	w       *os.File
	stderr  *lockedBuffer
	mu      sync.Mutex
	next    int64
	pending map[int64]chan message
	subs    []chan Event
	done    chan struct{}
	readErr error
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf) < 64<<10 {
		b.buf = append(b.buf, p...)
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// Launch starts Chromium headless with a throw-away profile in dataDir.
// The flags are those that work as root in a container without a GPU and
// keep the browser from calling the network on its own.
func Launch(path, dataDir string) (*Browser, error) {
	cmdR, cmdW, err := os.Pipe() // we write commands, Chromium reads fd 3
	if err != nil {
		return nil, err
	}
	evR, evW, err := os.Pipe() // Chromium writes fd 4, we read
	if err != nil {
		return nil, err
	}
	b := &Browser{pending: map[int64]chan message{}, done: make(chan struct{}), stderr: &lockedBuffer{}}
	b.cmd = exec.Command(path,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--disable-default-apps", "--no-default-browser-check",
		"--disable-dev-shm-usage", "--mute-audio", "--password-store=basic",
		// A desktop width: the DSFR header shows its tools (not the mobile menu).
		"--window-size=1280,1024",
		"--user-data-dir="+dataDir, "--remote-debugging-pipe", "about:blank")
	b.cmd.ExtraFiles = []*os.File{cmdR, evW}
	b.cmd.Stderr = b.stderr
	if err := b.cmd.Start(); err != nil {
		return nil, fmt.Errorf("lancement de chromium : %w", err)
	}
	cmdR.Close()
	evW.Close()
	b.w = cmdW
	go b.read(evR)
	return b, nil
}

// Stderr returns what the browser wrote on its standard error (for
// failure reports).
func (b *Browser) Stderr() string { return b.stderr.String() }

func (b *Browser) read(r io.ReadCloser) {
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			b.readErr = err
			subs := b.subs
			b.subs = nil
			b.mu.Unlock()
			close(b.done)
			for _, s := range subs {
				close(s)
			}
			return
		}
		raw = raw[:len(raw)-1]
		var m message
		if err := json.Unmarshal(raw, &m); err != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.pending[m.ID]
			delete(b.pending, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		var ev Event
		if err := json.Unmarshal(raw, &ev); err != nil {
			continue
		}
		b.mu.Lock()
		subs := append([]chan Event(nil), b.subs...)
		b.mu.Unlock()
		for _, s := range subs {
			s <- ev // every subscriber reads in its own goroutine: no event is dropped
		}
	}
}

// Subscribe returns a channel receiving every event from now on. The
// caller must keep reading it until Close.
func (b *Browser) Subscribe() <-chan Event {
	ch := make(chan Event, 1024)
	b.mu.Lock()
	b.subs = append(b.subs, ch)
	b.mu.Unlock()
	return ch
}

// Call sends a command (to the browser when sessionID is empty, else to
// an attached target) and decodes its result into result (may be nil).
func (b *Browser) Call(ctx context.Context, sessionID, method string, params, result any) error {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan message, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	if params == nil {
		params = struct{}{}
	}
	raw, err := json.Marshal(message{ID: id, Method: method, Params: params, SessionID: sessionID})
	if err != nil {
		return err
	}
	if _, err := b.w.Write(append(raw, 0)); err != nil {
		return fmt.Errorf("%s : écriture vers chromium : %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s : %s (%d)", method, m.Error.Message, m.Error.Code)
		}
		if result != nil && len(m.Result) > 0 {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-b.done:
		return fmt.Errorf("%s : chromium s'est arrêté (%v) : %s", method, b.readErr, b.Stderr())
	case <-ctx.Done():
		return fmt.Errorf("%s : %w", method, ctx.Err())
	}
}

// Close asks the browser to quit, then kills it if it lingers.
func (b *Browser) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = b.Call(ctx, "", "Browser.close", nil, nil)
	b.w.Close()
	exited := make(chan error, 1)
	go func() { exited <- b.cmd.Wait() }()
	select {
	case err := <-exited:
		return ignoreExit(err)
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		return ignoreExit(<-exited)
	}
}

func ignoreExit(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil
	}
	return err
}
