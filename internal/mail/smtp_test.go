package mail

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeSMTP is a minimal SMTP server: no TLS, no AUTH; it records each
// accepted message and can refuse the next ones with a 451.
type fakeSMTP struct {
	ln       net.Listener
	mu       sync.Mutex
	failNext int
	got      []fakeMail
}

type fakeMail struct {
	from string
	rcpt []string
	data string
}

func startFakeSMTP(t *testing.T) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := func(s string) { c.Write([]byte(s + "\r\n")) }
	w("220 fake ESMTP")
	var cur fakeMail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			w("250-fake")
			w("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			cur = fakeMail{from: strings.TrimSpace(line[10:])}
			w("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			cur.rcpt = append(cur.rcpt, strings.Trim(strings.TrimSpace(line[8:]), "<>"))
			w("250 ok")
		case cmd == "DATA":
			w("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			cur.data = b.String()
			f.mu.Lock()
			if f.failNext > 0 {
				f.failNext--
				f.mu.Unlock()
				w("451 4.3.0 essayez plus tard")
				continue
			}
			f.got = append(f.got, cur)
			f.mu.Unlock()
			w("250 queued")
		case cmd == "QUIT":
			w("221 bye")
			return
		default:
			w("250 ok")
		}
	}
}

func (f *fakeSMTP) mails() []fakeMail {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeMail(nil), f.got...)
}

func TestSMTPSend(t *testing.T) {
	srv := startFakeSMTP(t)
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "apilos@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	m := Message{To: []string{"bailleur@example.org"}, Cc: []string{"instructeur@example.org"},
		Subject: "APiLos - Convention 75.D.26.0013", Text: "Bonjour,\n\nConvention validee : https://apilos.example/x"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.mails()
	if len(got) != 1 {
		t.Fatalf("%d messages reçus", len(got))
	}
	g := got[0]
	if !strings.Contains(g.from, "apilos@example.org") || strings.Join(g.rcpt, ",") != "bailleur@example.org,instructeur@example.org" {
		t.Errorf("enveloppe %q %v", g.from, g.rcpt)
	}
	for _, want := range []string{"Subject: APiLos - Convention 75.D.26.0013", "To: <bailleur@example.org>", "Cc: <instructeur@example.org>", "https://apilos.example/x"} {
		if !strings.Contains(g.data, want) {
			t.Errorf("message sans %q :\n%s", want, g.data)
		}
	}
}

// A refused message is an error (the task retries); the next attempt
// goes through once.
func TestSMTPFailureThenRetry(t *testing.T) {
	srv := startFakeSMTP(t)
	srv.failNext = 1
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: srv.port()})
	if err != nil {
		t.Fatal(err)
	}
	m := Message{To: []string{"a@example.org"}, Subject: "Essai", Text: "texte"}
	if err := s.Send(context.Background(), m); err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("échec attendu, obtenu %v", err)
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.mails()); n != 1 {
		t.Errorf("%d messages reçus, attendu 1", n)
	}
}

func TestSMTPConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  SMTPConfig
		want string
	}{
		{SMTPConfig{}, "EMAIL_HOST"},
		{SMTPConfig{Host: "h", Port: 70000}, "EMAIL_PORT"},
		{SMTPConfig{Host: "h", User: "u"}, "EMAIL_HOST_PASSWORD"},
	} {
		if _, err := NewSMTP(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v : %v", tc.cfg, err)
		}
	}
	s, err := NewSMTP(SMTPConfig{Host: "smtp-relay.brevo.com"})
	if err != nil || s.addr() != "smtp-relay.brevo.com:"+strconv.Itoa(587) {
		t.Errorf("port par défaut : %v", err)
	}
	// Invalid messages never reach the network.
	if err := s.Send(context.Background(), Message{Subject: "x", Text: "y"}); err == nil {
		t.Error("message sans destinataire accepté")
	}
}

// A joined PDF travels as a MIME part named after the file, its bytes in
// base64, and comes back intact.
func TestSMTPSendAttachment(t *testing.T) {
	srv := startFakeSMTP(t)
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: srv.port()})
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n" + strings.Repeat("convention validée ", 200) + "\n%%EOF")
	m := Message{To: []string{"bailleur@example.org"}, Subject: "APiLos – Convention validée", Text: "Bonjour,\n\nLe document est joint.",
		Attachments: []Attachment{{Name: "convention_75-2024-0042.pdf", ContentType: "application/pdf", Data: pdf}}}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.mails()
	if len(got) != 1 {
		t.Fatalf("%d messages reçus", len(got))
	}
	msg, err := netmail.ReadMessage(strings.NewReader(got[0].data))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var found bool
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() != "convention_75-2024-0042.pdf" {
			continue
		}
		found = true
		if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/pdf") {
			t.Errorf("type %q", ct)
		}
		b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, pdf) {
			t.Error("le PDF reçu diffère du PDF envoyé")
		}
	}
	if !found {
		t.Fatalf("pièce jointe absente :\n%s", got[0].data)
	}
}

// Attachment names cannot be empty or carry line breaks or folders.
func TestAttachmentNameChecked(t *testing.T) {
	for _, name := range []string{"", "a\r\nBcc: x@y.z", "../convention.pdf"} {
		m := Message{To: []string{"a@example.org"}, Subject: "s", Text: "t", Attachments: []Attachment{{Name: name, Data: []byte("x")}}}
		if err := m.Validate(); err == nil {
			t.Errorf("nom %q accepté", name)
		}
	}
}
