package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/ops"
	"github.com/MTES-MCT/apilos-go/internal/prompt"
)

// Helpers shared by the operations commands (ops_*.go).

// refuseInProduction checks ENVIRONMENT before the configuration is even
// loaded: in production a missing secret would otherwise hide the refusal,
// and nothing may be read or written before it.
func refuseInProduction() error {
	env := os.Getenv("ENVIRONMENT")
	if env == "" {
		env = "development"
	}
	return ops.RefuseInProduction(env)
}

// nothingChanged completes an error that stops a command before any write.
func nothingChanged(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w ; rien n'a été modifié", err)
}

// ask asks question and turns end of input into a French error that says
// nothing was changed.
func ask(p *prompt.Prompter, question string) (string, error) {
	a, err := p.Ask(question)
	if errors.Is(err, prompt.ErrEndOfInput) {
		return "", nothingChanged(err)
	}
	return a, err
}

// confirmOui asks a (Non/oui) question whose default is no: only "oui"
// (any case) confirms; "non", "n", "no" and an empty answer decline; any
// other answer is an error, so a typo never changes data.
func confirmOui(p *prompt.Prompter, question string) (bool, error) {
	a, err := ask(p, question)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(a)) {
	case "oui":
		return true, nil
	case "", "non", "n", "no":
		return false, nil
	}
	return false, fmt.Errorf("réponse « %s » non comprise : répondez « oui » pour confirmer ou « non » pour abandonner ; rien n'a été modifié", strings.TrimSpace(a))
}
