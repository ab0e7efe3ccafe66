package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig is the relay of the SMTP transport (names of the reference
// .env.template: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
// EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).
type SMTPConfig struct {
	Host     string
	Port     int
	User     string
	Password string
	// UseTLS requires STARTTLS; without it TLS is used when offered.
	UseTLS bool
	From   string // default sender (DEFAULT_FROM_EMAIL)
}

// SMTP sends messages through an SMTP relay (Brevo in production), one
// connection per message.
type SMTP struct {
	cfg SMTPConfig
}

// NewSMTP checks the configuration and returns the transport.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("SMTP : EMAIL_HOST est obligatoire")
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("SMTP : EMAIL_PORT %d invalide", cfg.Port)
	}
	if cfg.From == "" {
		cfg.From = DefaultFrom
	}
	if (cfg.User == "") != (cfg.Password == "") {
		return nil, errors.New("SMTP : EMAIL_HOST_USER et EMAIL_HOST_PASSWORD vont ensemble")
	}
	return &SMTP{cfg: cfg}, nil
}

// Send delivers one message. An error means the relay did not accept it
// (the caller may retry).
func (s *SMTP) Send(ctx context.Context, m Message) error {
	m = withFrom(m, s.cfg.From)
	if err := m.Validate(); err != nil {
		return err
	}
	msg := gomail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return fmt.Errorf("e-mail : expéditeur %q : %w", m.From, err)
	}
	if err := msg.To(m.To...); err != nil {
		return fmt.Errorf("e-mail : destinataires : %w", err)
	}
	if len(m.Cc) > 0 {
		if err := msg.Cc(m.Cc...); err != nil {
			return fmt.Errorf("e-mail : copie : %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return fmt.Errorf("e-mail : pièce jointe %q : %w", a.Name, err)
		}
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port)}
	if s.cfg.UseTLS {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(s.cfg.User), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("SMTP %s : %w", s.addr(), err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("SMTP %s : envoi refusé : %w", s.addr(), err)
	}
	return nil
}

func (s *SMTP) addr() string { return s.cfg.Host + ":" + strconv.Itoa(s.cfg.Port) }
