package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// waitDial polls addr until dialing it gives the wanted outcome.
func waitDial(t *testing.T, addr string, wantOpen bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if c != nil {
			c.Close()
		}
		if (err == nil) == wantOpen {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s : ouvert=%v attendu, dernière erreur %v", addr, wantOpen, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	started := make(chan struct{})
	release := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		// Held until the test has seen the listener closed, so the request
		// is in flight during the shutdown whatever the machine's speed;
		// 1.5 s at most otherwise.
		select {
		case <-release:
		case <-time.After(1500 * time.Millisecond):
		}
		io.WriteString(w, "fini")
	})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- Serve(ctx, addr, slow, slog.New(slog.DiscardHandler)) }()
	waitDial(t, addr, true)

	type result struct {
		status int
		body   string
		err    error
	}
	resc := make(chan result, 1)
	go func() {
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		res, err := client.Get("http://" + addr + "/")
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		resc <- result{status: res.StatusCode, body: string(b), err: err}
	}()

	<-started
	cancel() // what SIGTERM does through signal.NotifyContext
	waitDial(t, addr, false)
	close(release)

	select {
	case r := <-resc:
		if r.err != nil || r.status != http.StatusOK || r.body != "fini" {
			t.Errorf("requête en cours pendant l'arrêt : %+v, 200 « fini » attendu", r)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("la requête en cours n'a pas abouti")
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Serve : %v, nil attendu après un arrêt propre", err)
		}
	case <-time.After(ShutdownTimeout + 5*time.Second):
		t.Fatal("Serve n'est pas revenu après l'arrêt")
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("le port accepte encore des connexions après l'arrêt")
	}
}

func TestServeListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// The port is taken: Serve must say so instead of blocking.
	if err := Serve(context.Background(), ln.Addr().String(), http.NotFoundHandler(), nil); err == nil {
		t.Error("port occupé : erreur attendue")
	}
}
