package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

func valid() Message {
	return Message{To: []string{"agent@example.gouv.fr"}, Subject: "Objet", Text: "Bonjour"}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Message)
		want string // "" = valid
	}{
		{"valide", func(*Message) {}, ""},
		{"copie", func(m *Message) { m.Cc = []string{"chef@example.gouv.fr"} }, ""},
		{"sans destinataire", func(m *Message) { m.To = nil }, "destinataire"},
		{"destinataire invalide", func(m *Message) { m.To = []string{"pas une adresse"} }, `"pas une adresse"`},
		{"nom affiché refusé", func(m *Message) { m.To = []string{"Agent <agent@example.gouv.fr>"} }, "adresse valide"},
		{"copie invalide", func(m *Message) { m.Cc = []string{"x@"} }, `"x@"`},
		{"expéditeur invalide", func(m *Message) { m.From = "moi" }, `"moi"`},
		{"objet vide", func(m *Message) { m.Subject = " " }, "objet"},
		{"injection d'en-tête", func(m *Message) { m.Subject = "a\r\nBcc: x@y.fr" }, "retour à la ligne"},
		{"texte vide", func(m *Message) { m.Text = ""; m.HTML = "<p>x</p>" }, "texte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.edit(&m)
			err := m.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("erreur inattendue : %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("erreur %v, attendu une erreur contenant %q", err, tt.want)
			}
		})
	}
}

func TestMemory(t *testing.T) {
	mm := NewMemory()
	m := valid()
	if err := mm.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	m.To[0] = "modifie@example.gouv.fr" // the recorded copy must not change
	if err := mm.Send(context.Background(), Message{To: []string{"b@example.fr"}, From: "autre@example.fr", Subject: "2", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	if err := mm.Send(context.Background(), Message{}); err == nil {
		t.Error("message invalide accepté")
	}
	sent := mm.Sent()
	if len(sent) != 2 {
		t.Fatalf("%d messages enregistrés, 2 attendus", len(sent))
	}
	if sent[0].To[0] != "agent@example.gouv.fr" || sent[0].From != DefaultFrom {
		t.Errorf("premier message : %+v", sent[0])
	}
	if sent[1].From != "autre@example.fr" {
		t.Errorf("expéditeur explicite perdu : %+v", sent[1])
	}
	mm.Reset()
	if len(mm.Sent()) != 0 {
		t.Error("Reset n'a pas vidé la boîte")
	}
}

func TestMemoryConcurrent(t *testing.T) {
	mm := NewMemory()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { mm.Send(context.Background(), valid()) })
	}
	wg.Wait()
	if n := len(mm.Sent()); n != 20 {
		t.Errorf("%d messages, 20 attendus", n)
	}
}

func TestConsole(t *testing.T) {
	var buf bytes.Buffer
	c := NewConsole("", slog.New(slog.NewJSONHandler(&buf, nil)))
	m := valid()
	m.Text = "Lien : https://exemple/accounts/reset/MQ/abc/"
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("journal illisible : %q", buf.String())
	}
	if rec["from"] != DefaultFrom || rec["subject"] != "Objet" || rec["text"] != m.Text {
		t.Errorf("journal incomplet : %v", rec)
	}
	buf.Reset()
	if err := c.Send(context.Background(), Message{To: []string{"x"}}); err == nil || buf.Len() != 0 {
		t.Errorf("message invalide : err %v, journal %q", err, buf.String())
	}
	var _ Mailer = c
	var _ Mailer = NewMemory()
}
