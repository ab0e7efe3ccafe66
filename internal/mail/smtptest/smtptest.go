// Package smtptest is a fake SMTP server for tests: it speaks enough of
// the protocol (no TLS, no AUTH) for internal/mail's SMTP transport,
// records each accepted message and can refuse the next ones. Attachments
// reads the files of a received message back.
package smtptest

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
)

// Server is a running fake SMTP server, closed when the test ends.
type Server struct {
	ln       net.Listener
	mu       sync.Mutex
	failNext int
	got      []Mail
}

// Mail is one accepted message: its envelope and its raw data.
type Mail struct {
	From string
	Rcpt []string
	Data string
}

// Start listens on a free local port.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// Port is the port the server listens on (host 127.0.0.1).
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// FailNext makes the next n messages be refused with a 451.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Mails are the messages accepted so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.got...)
}

func (s *Server) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := func(line string) { c.Write([]byte(line + "\r\n")) }
	w("220 fake ESMTP")
	var cur Mail
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
			cur = Mail{From: strings.TrimSpace(line[10:])}
			w("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			cur.Rcpt = append(cur.Rcpt, strings.Trim(strings.TrimSpace(line[8:]), "<>"))
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
				// Dot-stuffing (RFC 5321 §4.5.2).
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Data = b.String()
			s.mu.Lock()
			if s.failNext > 0 {
				s.failNext--
				s.mu.Unlock()
				w("451 4.3.0 essayez plus tard")
				continue
			}
			s.got = append(s.got, cur)
			s.mu.Unlock()
			w("250 queued")
		case cmd == "QUIT":
			w("221 bye")
			return
		default:
			w("250 ok")
		}
	}
}

// Part is a file of a received message.
type Part struct {
	Name        string
	ContentType string
	Data        []byte
}

// Attachments decodes the parts of a message that carry a file name
// (base64 or plain), in their order.
func (m Mail) Attachments() ([]Part, error) {
	msg, err := netmail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		return nil, err
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return nil, nil
	}
	return parts(multipart.NewReader(msg.Body, params["boundary"]))
}

func parts(mr *multipart.Reader) ([]Part, error) {
	var out []Part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		ct := p.Header.Get("Content-Type")
		if mt, params, err := mime.ParseMediaType(ct); err == nil && strings.HasPrefix(mt, "multipart/") {
			sub, err := parts(multipart.NewReader(p, params["boundary"]))
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
			continue
		}
		if p.FileName() == "" {
			continue
		}
		var body io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			body = base64.NewDecoder(base64.StdEncoding, p)
		}
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, fmt.Errorf("pièce jointe %s : %w", p.FileName(), err)
		}
		out = append(out, Part{Name: p.FileName(), ContentType: ct, Data: data})
	}
}
