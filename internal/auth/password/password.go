// Package password hashes and checks passwords in the formats of Django's
// hashers, so accounts of the reference database keep working: new hashes
// are argon2id ("argon2$argon2id$v=19$m=...,t=...,p=...$salt$hash", as
// Django's Argon2PasswordHasher writes them) and pbkdf2_sha256 hashes from
// the reference verify and are flagged for upgrade.
package password

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: those of Django's Argon2PasswordHasher.
const (
	argonTime    = 2
	argonMemory  = 102400 // KiB
	argonThreads = 8
	argonKeyLen  = 32
)

// ErrUnknownFormat is returned for a hash no hasher recognises, including
// Django's unusable passwords ("!...").
var ErrUnknownFormat = errors.New("format de mot de passe non reconnu")

var b64 = base64.RawStdEncoding

// Hash returns an argon2id hash of plain with a random salt.
func Hash(plain string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	key := argon2.IDKey([]byte(plain), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("argon2$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// PBKDF2SHA256 returns a Django pbkdf2_sha256 hash with the given salt and
// iteration count. Used for deterministic demo data; prefer Hash.
func PBKDF2SHA256(plain, salt string, iterations int) string {
	key, err := pbkdf2.Key(sha256.New, plain, []byte(salt), iterations, sha256.Size)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("pbkdf2_sha256$%d$%s$%s", iterations, salt, base64.StdEncoding.EncodeToString(key))
}

// Check reports whether plain matches encoded. needsUpgrade is true when
// the hash is valid but not in the current format (rehash with Hash).
func Check(plain, encoded string) (ok, needsUpgrade bool, err error) {
	algo, rest, found := strings.Cut(encoded, "$")
	if !found {
		return false, false, ErrUnknownFormat
	}
	switch algo {
	case "pbkdf2_sha256":
		parts := strings.Split(rest, "$")
		if len(parts) != 3 {
			return false, false, ErrUnknownFormat
		}
		iter, err := strconv.Atoi(parts[0])
		if err != nil || iter <= 0 {
			return false, false, ErrUnknownFormat
		}
		want := PBKDF2SHA256(plain, parts[1], iter)
		return subtle.ConstantTimeCompare([]byte(want), []byte(encoded)) == 1, true, nil
	case "argon2":
		// argon2id$v=19$m=102400,t=2,p=8$salt$hash
		parts := strings.Split(rest, "$")
		if len(parts) != 5 || parts[0] != "argon2id" {
			return false, false, ErrUnknownFormat
		}
		var m, t uint32
		var p uint8
		if _, err := fmt.Sscanf(parts[2], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
			return false, false, ErrUnknownFormat
		}
		salt, err1 := b64.DecodeString(parts[3])
		key, err2 := b64.DecodeString(parts[4])
		if err1 != nil || err2 != nil || len(key) == 0 {
			return false, false, ErrUnknownFormat
		}
		got := argon2.IDKey([]byte(plain), salt, t, m, p, uint32(len(key)))
		ok := subtle.ConstantTimeCompare(got, key) == 1
		upgrade := m != argonMemory || t != argonTime || p != argonThreads || parts[1] != fmt.Sprintf("v=%d", argon2.Version)
		return ok, upgrade, nil
	}
	return false, false, ErrUnknownFormat
}
