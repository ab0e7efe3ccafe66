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
	if got := out.String(); got != "Q ? Q ? Q ? \n" {
		t.Errorf("questions written = %q", got)
	}
	// A pipe is not a terminal: Secret reads a plain line.
	s, err := New(strings.NewReader("pw\n"), &out).Secret("Mot de passe : ")
	if err != nil || s != "pw" {
		t.Errorf("Secret = %q, %v", s, err)
	}
}
