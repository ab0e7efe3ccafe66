package prompt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestAsk(t *testing.T) {
	var out bytes.Buffer
	p := New(strings.NewReader("premier\r\nsecond"), &out)
	for _, want := range []string{"premier", "second"} {
		got, err := p.Ask("Q ? ")
		if err != nil || got != want {
			t.Fatalf("Ask = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := p.Ask("Q ? "); !errors.Is(err, ErrEndOfInput) {
		t.Fatalf("after the last line: err = %v, want ErrEndOfInput", err)
	}
	// From a pipe, answers are written back as a terminal would show them.
	if got := out.String(); got != "Q ? premier\nQ ? second\nQ ? \n" {
		t.Errorf("questions written = %q", got)
	}
	// A pipe is not a terminal: Secret reads a plain line, never echoed.
	out.Reset()
	s, err := New(strings.NewReader("pw\n"), &out).Secret("Mot de passe : ")
	if err != nil || s != "pw" || out.String() != "Mot de passe : \n" {
		t.Errorf("Secret = %q, %v; output %q", s, err, out.String())
	}
}
