package clamav

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/MTES-MCT/apilos-go/internal/clamav/clamavtest"
)

func TestNew(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"tcp://127.0.0.1:3310", "tcp://127.0.0.1:3310", ""},
		{"clamav.internal:3310", "tcp://clamav.internal:3310", ""},
		{"unix:///run/clamav/clamd.ctl", "unix:///run/clamav/clamd.ctl", ""},
		{"/var/run/clamav/clamd.ctl", "unix:///var/run/clamav/clamd.ctl", ""},
		{"", "", "vide"},
		{"http://clamav:8080", "", "tcp://"},
		{"clamav", "", "hôte:port"},
	} {
		cl, err := New(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("New(%q) : erreur %v, attendu %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || cl.String() != c.want {
			t.Errorf("New(%q) = %v, %v ; attendu %s", c.in, cl, err, c.want)
		}
	}
}

func TestParseReply(t *testing.T) {
	for _, c := range []struct {
		in       string
		infected bool
		sig      string
		err      string
	}{
		{"stream: OK", false, "", ""},
		{"1: stream: OK", false, "", ""},
		{"stream: Win.Test.EICAR_HDB-1 FOUND", true, "Win.Test.EICAR_HDB-1", ""},
		{"stream: Eicar-Test-Signature.UNOFFICIAL FOUND", true, "Eicar-Test-Signature.UNOFFICIAL", ""},
		{"INSTREAM size limit exceeded. ERROR", false, "", "StreamMaxLength"},
		{"stream: Can't allocate memory ERROR", false, "", "Can't allocate memory"},
		{"bonjour", false, "", "inattendue"},
	} {
		v, err := parseReply(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q : erreur %v, attendu %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || v.Infected != c.infected || v.Signature != c.sig {
			t.Errorf("%q = %+v, %v", c.in, v, err)
		}
	}
}

// scanCases runs against any clamd speaking the protocol: a clean file,
// EICAR, EICAR straddling two INSTREAM chunks, an empty file.
func scanCases(t *testing.T, addr string) {
	cl, err := New(addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := cl.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	straddling := append(bytes.Repeat([]byte{' '}, chunkSize-20), clamavtest.EICAR()...)
	for _, c := range []struct {
		name     string
		body     []byte
		infected bool
	}{
		{"propre", []byte("%PDF-1.4\n% un document sans danger\n"), false},
		{"vide", nil, false},
		{"EICAR", clamavtest.EICAR(), true},
		{"EICAR à cheval sur deux morceaux", straddling, true},
	} {
		v, err := cl.Scan(ctx, bytes.NewReader(c.body))
		if err != nil {
			t.Errorf("%s : %v", c.name, err)
			continue
		}
		if v.Infected != c.infected || (c.infected && v.Signature == "") {
			t.Errorf("%s : verdict %+v, infecté attendu %v", c.name, v, c.infected)
		}
	}
}

func TestScanFakeClamd(t *testing.T) {
	srv := clamavtest.Start(t)
	scanCases(t, srv.Addr())
	if srv.Scans() != 4 {
		t.Errorf("%d analyses reçues, 4 attendues", srv.Scans())
	}
	cl, _ := New(srv.Addr())
	ctx := context.Background()

	// Over clamd's StreamMaxLength: a dedicated error, not a verdict.
	srv.MaxStream = 100 << 10
	if _, err := cl.Scan(ctx, bytes.NewReader(make([]byte, 300<<10))); !errors.Is(err, ErrSizeLimit) {
		t.Errorf("fichier trop gros : %v, attendu ErrSizeLimit", err)
	}
	// The file cannot be read: its error, without waiting for clamd.
	boom := errors.New("disque illisible")
	if _, err := cl.Scan(ctx, io.MultiReader(strings.NewReader("début"), iotest.ErrReader(boom))); !errors.Is(err, boom) {
		t.Errorf("lecture impossible : %v", err)
	}
	// clamd hangs up: an error (the task will retry), never "clean".
	srv.SetDown(true)
	if v, err := cl.Scan(ctx, strings.NewReader("x")); err == nil {
		t.Errorf("clamd muet : verdict %+v sans erreur", v)
	}
}

// A real clamd (see clamavtest.Real: skipped only when none answers and
// no clamd binary is installed).
func TestScanRealClamd(t *testing.T) {
	addr := clamavtest.Real(t)
	t.Log("clamd réel :", addr)
	scanCases(t, addr)
}
