package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
)

// devKeyFile holds, under apilos dev's data directory, the key the API
// accepts when JWT_SIGN_KEY is not set.
const devKeyFile = "jwt_sign_key"

// devJWTKey reads the development API key of dataDir, or creates it.
func devJWTKey(dataDir string) (string, error) {
	path := filepath.Join(dataDir, devKeyFile)
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, os.ErrNotExist) && err != nil {
		return "", fmt.Errorf("clé de développement de l'API : %w", err)
	}
	var b [32]byte
	rand.Read(b[:])
	key := hex.EncodeToString(b[:])
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("clé de développement de l'API : %w", err)
	}
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("clé de développement de l'API : %w", err)
	}
	return key, nil
}

func init() {
	var login, dataDir string
	var habilitation int64
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Affiche un jeton de test de l'API du SIAP (valable 5 minutes)",
		Long: `Signe un jeton JWT du protocole SIAP (HS256, 5 minutes, user-login, habilitation-id)
avec JWT_SIGN_KEY, ou hors production avec la clé de développement d'apilos dev
(--data-dir), et l'affiche. Exemple :

  curl -H "Authorization: Bearer $(bin/apilos token --habilitation 3)" \
    http://localhost:8001/api-siap/v0/convention_kpi/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			key := cfg.JWTSignKey
			if key == "" {
				if cfg.IsProduction() {
					return errors.New("JWT_SIGN_KEY n'est pas défini")
				}
				b, err := os.ReadFile(filepath.Join(dataDir, devKeyFile))
				if err != nil {
					return fmt.Errorf("ni JWT_SIGN_KEY ni clé de développement (%s) : lancez apilos dev une fois, ou définissez JWT_SIGN_KEY", filepath.Join(dataDir, devKeyFile))
				}
				key = strings.TrimSpace(string(b))
			}
			tok, err := jwt.Sign([]byte(key), login, habilitation, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), tok)
			return nil
		},
	}
	cmd.Flags().StringVar(&login, "login", "dev.siap", "identifiant CERBERE (user-login)")
	cmd.Flags().Int64Var(&habilitation, "habilitation", 3, "habilitation SIAP (habilitation-id ; 0 : aucune, suffisant pour config/)")
	cmd.Flags().StringVar(&dataDir, "data-dir", ".data", "répertoire des données d'apilos dev (clé de développement)")
	rootCmd.AddCommand(cmd)
}
