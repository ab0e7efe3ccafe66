package ops

import (
	"errors"
	"strings"
	"testing"
)

func TestRefuseInProduction(t *testing.T) {
	for _, env := range []string{"production", "siap-production", "PROD", "apilos-prod-2"} {
		err := RefuseInProduction(env)
		if !errors.Is(err, ErrProduction) {
			t.Fatalf("%q: err = %v, want a refusal", env, err)
		}
		want := "commande refusée : l'environnement « " + env + " » est un environnement de production, rien n'a été modifié"
		if err.Error() != want {
			t.Errorf("%q: message %q, want %q", env, err, want)
		}
	}
	for _, env := range []string{"development", "staging", "siap-integration", "recette", "test"} {
		if err := RefuseInProduction(env); err != nil {
			t.Errorf("%q refused: %v", env, err)
		}
	}
}

func TestParseUUID(t *testing.T) {
	ok := map[string]string{
		"4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194":     "4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194",
		"  4FA6EC1C-B89C-4A8E-BA2C-DA18AD1BD194\t": "4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194",
	}
	for in, want := range ok {
		if got, err := ParseUUID(in); err != nil || got != want {
			t.Errorf("ParseUUID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                                       "manquant",
		"4fa6ec1c":                               "invalide « 4fa6ec1c »",
		"4fa6ec1cb89c4a8eba2cda18ad1bd194":       "invalide",
		"{4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194}": "invalide",
		"4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd19g":   "invalide",
		"4fa6ec1c_b89c-4a8e-ba2c-da18ad1bd194":   "invalide",
	}
	for in, want := range bad {
		if _, err := ParseUUID(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseUUID(%q): err = %v, want it to contain %q", in, err, want)
		}
	}
}

func TestNormalizeSiret(t *testing.T) {
	if got := NormalizeSiret(" 484 963 699\u00a000026 "); got != "48496369900026" {
		t.Errorf("NormalizeSiret = %q", got)
	}
}
