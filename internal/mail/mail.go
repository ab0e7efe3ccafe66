// Package mail sends the e-mails of APiLos (password reset today,
// notifications later) through one small interface, so the web handlers
// and jobs never know which transport is configured.
//
// Two transports live here: Console (the default: the message is written
// to the log, as the reference does without a Brevo key) and Memory (tests
// read what was sent). An SMTP transport (go-mail against the Brevo relay)
// will be a third implementation of Mailer, chosen in cmd/apilos from the
// configuration; nothing else has to change.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
)

// DefaultFrom is the sender used when DEFAULT_FROM_EMAIL is not set.
const DefaultFrom = "ne-pas-repondre@apilos.beta.gouv.fr"

// Message is one e-mail. Text is required (every client can read it);
// HTML is an optional alternative body.
type Message struct {
	From    string // empty: the mailer's default sender
	To      []string
	Cc      []string
	Subject string
	Text    string
	HTML    string
	// Attachments are sent as files joined to the message.
	Attachments []Attachment
}

// Attachment is a file joined to a message.
type Attachment struct {
	Name        string // file name shown to the recipient
	ContentType string // e.g. application/pdf
	Data        []byte
}

// Mailer sends messages. Implementations must be safe for concurrent use.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// Validate checks a message before it is handed to a transport, naming the
// faulty field in French.
func (m Message) Validate() error {
	if len(m.To) == 0 {
		return errors.New("e-mail : au moins un destinataire est obligatoire")
	}
	for _, list := range [][]string{m.To, m.Cc} {
		for _, a := range list {
			if err := checkAddress(a); err != nil {
				return err
			}
		}
	}
	if m.From != "" {
		if err := checkAddress(m.From); err != nil {
			return err
		}
	}
	if strings.TrimSpace(m.Subject) == "" {
		return errors.New("e-mail : l'objet est obligatoire")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return errors.New("e-mail : l'objet ne doit pas contenir de retour à la ligne")
	}
	if strings.TrimSpace(m.Text) == "" {
		return errors.New("e-mail : le texte du message est obligatoire")
	}
	for _, a := range m.Attachments {
		if strings.TrimSpace(a.Name) == "" || strings.ContainsAny(a.Name, "\r\n/") {
			return fmt.Errorf("e-mail : nom de pièce jointe %q invalide", a.Name)
		}
	}
	return nil
}

func checkAddress(a string) error {
	p, err := mail.ParseAddress(a)
	if err != nil || p.Address != a {
		return fmt.Errorf("e-mail : %q n'est pas une adresse valide", a)
	}
	return nil
}

// withFrom fills the default sender.
func withFrom(m Message, from string) Message {
	if m.From == "" {
		m.From = from
	}
	return m
}

// Console writes every message to a logger instead of sending it: the
// default outside production SMTP configuration, handy in development
// (the reset link appears in the terminal).
type Console struct {
	From string
	Log  *slog.Logger
}

// NewConsole returns a console mailer; from defaults to DefaultFrom and
// log to slog.Default().
func NewConsole(from string, log *slog.Logger) *Console {
	if from == "" {
		from = DefaultFrom
	}
	if log == nil {
		log = slog.Default()
	}
	return &Console{From: from, Log: log}
}

// Send logs the message, body included.
func (c *Console) Send(ctx context.Context, m Message) error {
	m = withFrom(m, c.From)
	if err := m.Validate(); err != nil {
		return err
	}
	var names []string
	for _, a := range m.Attachments {
		names = append(names, a.Name)
	}
	c.Log.InfoContext(ctx, "e-mail (console, non envoyé)",
		"from", m.From, "to", m.To, "cc", m.Cc, "subject", m.Subject, "text", m.Text, "pieces_jointes", names)
	return nil
}

// Memory records messages for tests.
type Memory struct {
	From string
	mu   sync.Mutex
	sent []Message
}

// NewMemory returns an empty in-memory mailer with the default sender.
func NewMemory() *Memory { return &Memory{From: DefaultFrom} }

// Send records a copy of the message.
func (mm *Memory) Send(_ context.Context, m Message) error {
	m = withFrom(m, mm.From)
	if err := m.Validate(); err != nil {
		return err
	}
	m.To = append([]string(nil), m.To...)
	m.Cc = append([]string(nil), m.Cc...)
	m.Attachments = append([]Attachment(nil), m.Attachments...)
	mm.mu.Lock()
	defer mm.mu.Unlock()
	mm.sent = append(mm.sent, m)
	return nil
}

// Sent returns a copy of the messages sent so far, oldest first.
func (mm *Memory) Sent() []Message {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	return append([]Message(nil), mm.sent...)
}

// Reset forgets the recorded messages.
func (mm *Memory) Reset() {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	mm.sent = nil
}
