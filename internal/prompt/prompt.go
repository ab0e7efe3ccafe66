// Package prompt asks questions on a terminal or a pipe, line by line, so
// support staff can answer by hand and scripts and tests can pipe answers.
package prompt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// ErrEndOfInput is returned when standard input closes before an answer.
var ErrEndOfInput = errors.New("fin de l'entrée standard : aucune réponse reçue")

// Prompter reads answers from in and writes questions to out.
type Prompter struct {
	in  *bufio.Reader
	raw io.Reader
	out io.Writer
	// echo writes answers read from a pipe after their question, so the
	// output reads like the terminal session (and the documented dialogue).
	echo bool
}

// New returns a Prompter over in and out.
func New(in io.Reader, out io.Writer) *Prompter {
	return &Prompter{in: bufio.NewReader(in), raw: in, out: out, echo: !isTerminal(in)}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Ask writes question (as is: the caller chooses spacing) and returns the
// answer line without its line ending. A last line without newline counts.
func (p *Prompter) Ask(question string) (string, error) {
	answer, err := p.read(question)
	if err == nil && p.echo {
		fmt.Fprintln(p.out, answer)
	}
	return answer, err
}

func (p *Prompter) read(question string) (string, error) {
	fmt.Fprint(p.out, question)
	line, err := p.in.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		if errors.Is(err, io.EOF) {
			fmt.Fprintln(p.out)
			return "", ErrEndOfInput
		}
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// Secret asks for a password: without echo on a terminal, as a plain line
// never written back otherwise.
func (p *Prompter) Secret(question string) (string, error) {
	if f, ok := p.raw.(*os.File); ok && !p.echo && p.in.Buffered() == 0 {
		fmt.Fprint(p.out, question)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(p.out)
		return string(b), err
	}
	s, err := p.read(question)
	if err == nil {
		fmt.Fprintln(p.out)
	}
	return s, err
}
