// Package clamavtest is a clamd stand-in for tests: a TCP server speaking
// clamd's protocol (zINSTREAM with length-prefixed chunks, zPING, the
// n-prefixed and bare variants) whose only signature is the EICAR test
// string. Real clamd signatures cannot be downloaded here; the protocol,
// the size limit and the replies are the real ones.
package clamavtest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Signature is the name the server reports for EICAR.
const Signature = "Eicar-Test-Signature"

// EICAR returns the standard antivirus test file (built from two halves
// so this source file is not itself reported by scanners).
func EICAR() []byte {
	return []byte(`X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR` + `-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`)
}

// Server is a running fake clamd.
type Server struct {
	ln net.Listener
	// MaxStream is clamd's StreamMaxLength (25 MiB by default).
	MaxStream int64
	scans     atomic.Int64
	wg        sync.WaitGroup
	// down makes the server drop every connection (clamd unavailable).
	down atomic.Bool
}

// Start listens on a free local port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln, MaxStream: 25 << 20}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// Addr is the address to configure ("tcp://127.0.0.1:port").
func (s *Server) Addr() string { return "tcp://" + s.ln.Addr().String() }

// Scans counts the INSTREAM commands answered.
func (s *Server) Scans() int64 { return s.scans.Load() }

// SetDown makes the server close connections without answering.
func (s *Server) SetDown(down bool) { s.down.Store(down) }

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			if s.down.Load() {
				return
			}
			s.handle(conn)
		}()
	}
}

func (s *Server) handle(conn net.Conn) {
	r := bufio.NewReader(conn)
	first, err := r.ReadByte()
	if err != nil {
		return
	}
	term := byte('\n')
	switch first {
	case 'z':
		term = 0
	case 'n':
	default:
		r.UnreadByte()
	}
	cmd, err := r.ReadString(term)
	if err != nil {
		return
	}
	cmd = cmd[:len(cmd)-1]
	reply := func(msg string) { conn.Write(append([]byte(msg), term)) }
	switch cmd {
	case "PING":
		reply("PONG")
	case "INSTREAM":
		var body bytes.Buffer
		var size [4]byte
		for {
			if _, err := io.ReadFull(r, size[:]); err != nil {
				return
			}
			n := int64(binary.BigEndian.Uint32(size[:]))
			if n == 0 {
				break
			}
			if int64(body.Len())+n > s.MaxStream {
				reply("INSTREAM size limit exceeded. ERROR")
				return
			}
			if _, err := io.CopyN(&body, r, n); err != nil {
				return
			}
		}
		s.scans.Add(1)
		if bytes.Contains(body.Bytes(), EICAR()) {
			reply("stream: " + Signature + " FOUND")
			return
		}
		reply("stream: OK")
	default:
		reply("UNKNOWN COMMAND")
	}
}
