package clamavtest

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// knownAddrs are where a clamd usually listens (Debian's socket, the
// default TCP port).
var knownAddrs = []string{"unix:///run/clamav/clamd.ctl", "unix:///var/run/clamav/clamd.ctl", "tcp://127.0.0.1:3310"}

// Real returns the address of a real clamd: CLAMD_TEST_ADDRESS when set,
// else a clamd already listening at a usual place, else one started for
// the test from the installed clamd binary with a one-signature database
// (EICAR, as in Debian without network no official database exists).
// The test is skipped only when no clamd answers and none can be
// started because no clamd binary is installed.
func Real(t testing.TB) string {
	t.Helper()
	if a := os.Getenv("CLAMD_TEST_ADDRESS"); a != "" {
		if !answers(a) {
			t.Fatalf("CLAMD_TEST_ADDRESS=%s : clamd ne répond pas", a)
		}
		return a
	}
	for _, a := range knownAddrs {
		if answers(a) {
			return a
		}
	}
	bin, err := exec.LookPath("clamd")
	if err != nil {
		for _, p := range []string{"/usr/sbin/clamd", "/usr/local/sbin/clamd"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
				break
			}
		}
	}
	if err != nil {
		msg := "aucun clamd ne répond (CLAMD_TEST_ADDRESS, " + strings.Join(knownAddrs, ", ") + ") et aucun binaire clamd n'est installé (paquet clamav-daemon, installé par make test)"
		// In CI the real clamd is part of the suite: its absence fails.
		if ci := os.Getenv("CI"); strings.EqualFold(ci, "true") || ci == "1" || os.Getenv("APILOS_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg + " ; test ignoré en local (il est obligatoire avec CI=true ou APILOS_REQUIRE_TOOLS=1)")
	}
	return startClamd(t, bin)
}

// answers sends PING to addr.
func answers(addr string) bool {
	network, address := "tcp", strings.TrimPrefix(addr, "tcp://")
	if strings.HasPrefix(addr, "unix://") {
		network, address = "unix", strings.TrimPrefix(addr, "unix://")
	}
	conn, err := net.DialTimeout(network, address, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Write([]byte("zPING\x00")); err != nil {
		return false
	}
	b := make([]byte, 5)
	n, _ := conn.Read(b)
	return string(b[:n]) == "PONG\x00"
}

func startClamd(t testing.TB, bin string) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if err := os.Mkdir(db, 0o755); err != nil {
		t.Fatal(err)
	}
	// An .ndb body signature: name, any file type, any offset, hex bytes.
	sig := Signature + ":0:*:" + hex.EncodeToString(EICAR()) + "\n"
	if err := os.WriteFile(filepath.Join(db, "eicar.ndb"), []byte(sig), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := filepath.Join(dir, "clamd.conf")
	log := filepath.Join(dir, "clamd.log")
	err = os.WriteFile(conf, []byte(fmt.Sprintf("DatabaseDirectory %s\nTCPSocket %d\nTCPAddr 127.0.0.1\nForeground yes\nLogFile %s\nPidFile %s\nStreamMaxLength 60M\n",
		db, port, log, filepath.Join(dir, "clamd.pid"))), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-c", conf)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("démarrage de %s : %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	addr := fmt.Sprintf("tcp://127.0.0.1:%d", port)
	// The deadline only turns a clamd that never listens into a failure.
	deadline := time.Now().Add(60 * time.Second)
	for !answers(addr) {
		select {
		case <-exited:
			b, _ := os.ReadFile(log)
			t.Fatalf("clamd s'est arrêté au démarrage :\n%s\n%s", out.String(), b)
		default:
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log)
			t.Fatalf("clamd ne répond pas après 60 s :\n%s", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return addr
}
