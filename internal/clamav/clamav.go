// Package clamav scans files with ClamAV through the clamd daemon's
// INSTREAM command: "zINSTREAM\0", then the content in chunks each
// preceded by its length (4 bytes, big endian), then a zero length; clamd
// answers "stream: OK" or "stream: <signature> FOUND" (or "<reason>
// ERROR"), terminated by a NUL byte.
package clamav

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// DefaultTimeout bounds one scan, connection included (the reference's
// antivirus call waited 120 s).
const DefaultTimeout = 2 * time.Minute

// chunkSize is the size of the INSTREAM chunks (clamd reads up to its
// StreamMaxLength in total, chunk size is free).
const chunkSize = 64 << 10

// ErrSizeLimit: the file is larger than clamd's StreamMaxLength; it
// cannot be scanned by this daemon until that setting is raised.
var ErrSizeLimit = errors.New("fichier plus gros que la limite d'analyse de clamd (StreamMaxLength)")

// Client talks to one clamd.
type Client struct {
	network, address string
	// Timeout bounds one command; DefaultTimeout when zero.
	Timeout time.Duration
}

// New reads a clamd address: "tcp://host:port", "host:port",
// "unix:///run/clamav/clamd.ctl" or an absolute socket path.
func New(addr string) (*Client, error) {
	a := strings.TrimSpace(addr)
	switch {
	case a == "":
		return nil, errors.New("adresse de clamd vide")
	case strings.HasPrefix(a, "unix://"):
		return &Client{network: "unix", address: strings.TrimPrefix(a, "unix://")}, nil
	case strings.HasPrefix(a, "/"):
		return &Client{network: "unix", address: a}, nil
	case strings.HasPrefix(a, "tcp://"):
		a = strings.TrimPrefix(a, "tcp://")
	case strings.Contains(a, "://"):
		return nil, fmt.Errorf("adresse de clamd %q : utilisez tcp://hôte:port ou unix:///chemin/du/socket", addr)
	}
	if _, _, err := net.SplitHostPort(a); err != nil {
		return nil, fmt.Errorf("adresse de clamd %q : hôte:port attendu (ex. tcp://127.0.0.1:3310) : %v", addr, err)
	}
	return &Client{network: "tcp", address: strings.TrimSuffix(a, "/")}, nil
}

// String is the address, for logs.
func (c *Client) String() string { return c.network + "://" + c.address }

// Verdict is the answer of a scan.
type Verdict struct {
	Infected bool
	// Signature names what was found ("Win.Test.EICAR_HDB-1").
	Signature string
}

func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, c.network, c.address)
	if err != nil {
		return nil, fmt.Errorf("connexion à clamd (%s) : %w", c, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	return conn, nil
}

// Ping checks that clamd answers ("zPING" → "PONG").
func (c *Client) Ping(ctx context.Context) error {
	conn, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("zPING\x00")); err != nil {
		return fmt.Errorf("clamd (%s) : %w", c, err)
	}
	reply, err := readReply(conn)
	if err != nil {
		return fmt.Errorf("clamd (%s) : %w", c, err)
	}
	if reply != "PONG" {
		return fmt.Errorf("clamd (%s) : réponse inattendue à PING : %q", c, reply)
	}
	return nil
}

// Scan streams r to clamd and returns its verdict. A file over clamd's
// size limit returns ErrSizeLimit; other failures (connection, timeout,
// clamd error) are errors worth retrying.
func (c *Client) Scan(ctx context.Context, r io.Reader) (Verdict, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return Verdict{}, err
	}
	defer conn.Close()
	werr := writeStream(conn, r)
	var fileErr *readError
	if errors.As(werr, &fileErr) {
		return Verdict{}, fileErr.err
	}
	// clamd closes the connection after "size limit exceeded": its reply
	// is still there to read, so read even after a write failure.
	reply, rerr := readReply(conn)
	if rerr != nil {
		if werr != nil {
			return Verdict{}, fmt.Errorf("envoi du fichier à clamd (%s) : %w", c, werr)
		}
		return Verdict{}, fmt.Errorf("réponse de clamd (%s) : %w", c, rerr)
	}
	v, err := parseReply(reply)
	if err != nil {
		return Verdict{}, fmt.Errorf("clamd (%s) : %w", c, err)
	}
	if werr != nil {
		return Verdict{}, fmt.Errorf("envoi du fichier à clamd (%s) : %w", c, werr)
	}
	return v, nil
}

func writeStream(conn net.Conn, r io.Reader) error {
	w := bufio.NewWriterSize(conn, chunkSize+4)
	if _, err := w.WriteString("zINSTREAM\x00"); err != nil {
		return err
	}
	buf := make([]byte, chunkSize)
	var size [4]byte
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			binary.BigEndian.PutUint32(size[:], uint32(n))
			if _, werr := w.Write(size[:]); werr != nil {
				return werr
			}
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return &readError{fmt.Errorf("lecture du fichier à analyser : %w", err)}
		}
	}
	binary.BigEndian.PutUint32(size[:], 0)
	if _, err := w.Write(size[:]); err != nil {
		return err
	}
	return w.Flush()
}

// readError is a failure to read the file (not the connection): no
// reply is worth waiting for.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }

// readReply reads one NUL-terminated reply (or up to EOF).
func readReply(conn net.Conn) (string, error) {
	b, err := bufio.NewReader(io.LimitReader(conn, 4096)).ReadBytes(0)
	if err != nil && !(errors.Is(err, io.EOF) && len(b) > 0) {
		return "", err
	}
	return string(bytes.TrimRight(b, "\x00\n")), nil
}

// parseReply reads "stream: OK", "stream: <name> FOUND" and the errors.
func parseReply(reply string) (Verdict, error) {
	// Replies may be prefixed by a request number ("1: stream: OK") with
	// IDSESSION; this client does not use sessions but accepts it.
	msg := reply
	if i := strings.Index(msg, "stream: "); i >= 0 {
		msg = msg[i+len("stream: "):]
	}
	switch {
	case msg == "OK":
		return Verdict{}, nil
	case strings.HasSuffix(msg, " FOUND"):
		return Verdict{Infected: true, Signature: strings.TrimSpace(strings.TrimSuffix(msg, " FOUND"))}, nil
	case strings.Contains(msg, "size limit exceeded"):
		return Verdict{}, ErrSizeLimit
	case strings.HasSuffix(msg, " ERROR"):
		return Verdict{}, fmt.Errorf("erreur d'analyse : %s", strings.TrimSuffix(msg, " ERROR"))
	}
	return Verdict{}, fmt.Errorf("réponse inattendue : %q", reply)
}
