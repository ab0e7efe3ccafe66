package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 stores objects in an S3-compatible bucket (private objects).
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 connects to the bucket of c. The endpoint may be a URL
// (https://s3.fr-par.scw.cloud) or a host; http:// disables TLS.
func NewS3(_ context.Context, c Config) (*S3, error) {
	if c.Bucket == "" {
		return nil, errors.New("stockage S3 : AWS_STORAGE_BUCKET_NAME est obligatoire quand AWS_ACCESS_KEY_ID est défini")
	}
	if c.Endpoint == "" {
		return nil, errors.New("stockage S3 : AWS_S3_ENDPOINT_URL est obligatoire quand AWS_ACCESS_KEY_ID est défini (ex. https://s3.fr-par.scw.cloud)")
	}
	host, secure := c.Endpoint, true
	if u, err := url.Parse(c.Endpoint); err == nil && u.Host != "" {
		host, secure = u.Host, u.Scheme != "http"
	}
	cl, err := minio.New(host, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKeyID, c.SecretAccessKey, ""),
		Secure: secure,
		Region: c.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("stockage S3 : %w", err)
	}
	return &S3{client: cl, bucket: c.Bucket}, nil
}

func isNoKey(err error) bool {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code == "NoSuchKey" || er.StatusCode == 404
	}
	return false
}

// Put uploads the object.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	k, err := CleanKey(key)
	if err != nil {
		return err
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	_, err = s.client.PutObject(ctx, s.bucket, k, r, size, minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return fmt.Errorf("stockage S3 de %q : %w", key, err)
	}
	return nil
}

// Get downloads the object. The existence is checked first: minio-go
// only reports a missing object on the first read.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	k, err := CleanKey(key)
	if err != nil {
		return nil, err
	}
	if _, err := s.client.StatObject(ctx, s.bucket, k, minio.StatObjectOptions{}); err != nil {
		if isNoKey(err) {
			return nil, fmt.Errorf("%w : %s", ErrNotFound, key)
		}
		return nil, fmt.Errorf("lecture S3 de %q : %w", key, err)
	}
	o, err := s.client.GetObject(ctx, s.bucket, k, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("lecture S3 de %q : %w", key, err)
	}
	return o, nil
}

// Exists stats the object.
func (s *S3) Exists(ctx context.Context, key string) (bool, error) {
	k, err := CleanKey(key)
	if err != nil {
		return false, err
	}
	_, err = s.client.StatObject(ctx, s.bucket, k, minio.StatObjectOptions{})
	if isNoKey(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lecture S3 de %q : %w", key, err)
	}
	return true, nil
}

// Delete removes the object (absent is fine).
func (s *S3) Delete(ctx context.Context, key string) error {
	k, err := CleanKey(key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, k, minio.RemoveObjectOptions{}); err != nil && !isNoKey(err) {
		return fmt.Errorf("suppression S3 de %q : %w", key, err)
	}
	return nil
}

// Copy duplicates the object server-side.
func (s *S3) Copy(ctx context.Context, src, dst string) error {
	sk, err := CleanKey(src)
	if err != nil {
		return err
	}
	dk, err := CleanKey(dst)
	if err != nil {
		return err
	}
	_, err = s.client.CopyObject(ctx,
		minio.CopyDestOptions{Bucket: s.bucket, Object: dk},
		minio.CopySrcOptions{Bucket: s.bucket, Object: sk})
	if isNoKey(err) {
		return fmt.Errorf("%w : %s", ErrNotFound, src)
	}
	if err != nil {
		return fmt.Errorf("copie S3 de %q vers %q : %w", src, dst, err)
	}
	return nil
}
