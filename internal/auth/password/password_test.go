package password

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	argon := Hash("s3cret")
	tests := []struct {
		name, plain, encoded string
		ok, upgrade          bool
		err                  bool
	}{
		// Reference value from Python hashlib.pbkdf2_hmac, the primitive Django uses.
		{"django pbkdf2 good", "admin", "pbkdf2_sha256$390000$salt$QhJirs9ku0aDMcrtZl6f+LsIc4EVBB2PxKWb2iJk0JA=", true, true, false},
		{"django pbkdf2 bad", "nope", "pbkdf2_sha256$390000$salt$QhJirs9ku0aDMcrtZl6f+LsIc4EVBB2PxKWb2iJk0JA=", false, true, false},
		{"argon2id good", "s3cret", argon, true, false, false},
		{"argon2id bad", "S3cret", argon, false, false, false},
		{"unusable", "x", "!abcdef", false, false, true},
		{"garbage", "x", "pbkdf2_sha256$abc$salt$zz", false, false, true},
		{"empty", "x", "", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, upgrade, err := Check(tt.plain, tt.encoded)
			if (err != nil) != tt.err || ok != tt.ok || (err == nil && upgrade != tt.upgrade) {
				t.Errorf("Check = %v, %v, %v; want ok=%v upgrade=%v err=%v", ok, upgrade, err, tt.ok, tt.upgrade, tt.err)
			}
		})
	}
}

func TestHashFormat(t *testing.T) {
	h := Hash("x")
	if !strings.HasPrefix(h, "argon2$argon2id$v=19$m=102400,t=2,p=8$") {
		t.Errorf("unexpected format %q", h)
	}
	if h == Hash("x") {
		t.Error("two hashes of the same password must differ (random salt)")
	}
}
