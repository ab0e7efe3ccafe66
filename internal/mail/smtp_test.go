package mail

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/mail/smtptest"
)

func TestSMTPSend(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: srv.Port(), From: "apilos@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	m := Message{To: []string{"bailleur@example.org"}, Cc: []string{"instructeur@example.org"},
		Subject: "APiLos - Convention 75.D.26.0013", Text: "Bonjour,\n\nConvention validee : https://apilos.example/x"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Mails()
	if len(got) != 1 {
		t.Fatalf("%d messages reçus", len(got))
	}
	g := got[0]
	if !strings.Contains(g.From, "apilos@example.org") || strings.Join(g.Rcpt, ",") != "bailleur@example.org,instructeur@example.org" {
		t.Errorf("enveloppe %q %v", g.From, g.Rcpt)
	}
	for _, want := range []string{"Subject: APiLos - Convention 75.D.26.0013", "To: <bailleur@example.org>", "Cc: <instructeur@example.org>", "https://apilos.example/x"} {
		if !strings.Contains(g.Data, want) {
			t.Errorf("message sans %q :\n%s", want, g.Data)
		}
	}
}

// A refused message is an error (the task retries); the next attempt
// goes through once.
func TestSMTPFailureThenRetry(t *testing.T) {
	srv := smtptest.Start(t)
	srv.FailNext(1)
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: srv.Port()})
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
	if n := len(srv.Mails()); n != 1 {
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
	srv := smtptest.Start(t)
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: srv.Port()})
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n" + strings.Repeat("convention validée ", 200) + "\n%%EOF")
	m := Message{To: []string{"bailleur@example.org"}, Subject: "APiLos – Convention validée", Text: "Bonjour,\n\nLe document est joint.",
		Attachments: []Attachment{{Name: "convention_75-2024-0042.pdf", ContentType: "application/pdf", Data: pdf}}}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Mails()
	if len(got) != 1 {
		t.Fatalf("%d messages reçus", len(got))
	}
	files, err := got[0].Attachments()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Name != "convention_75-2024-0042.pdf" {
		t.Fatalf("pièces jointes %+v :\n%s", files, got[0].Data)
	}
	if ct := files[0].ContentType; !strings.HasPrefix(ct, "application/pdf") {
		t.Errorf("type %q", ct)
	}
	if !bytes.Equal(files[0].Data, pdf) {
		t.Error("le PDF reçu diffère du PDF envoyé")
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
