package main

// Simulated programs: containers whose effect on the cluster matters to the tests but whose
// binary cannot be built here. Each acts through the API with the pod's own service account
// token, so the chart's RBAC decides what it may do, exactly as for the real image.
//
// kube-webhook-certgen (ingress-nginx's admission hook Jobs) follows
// kubernetes/ingress-nginx images/kube-webhook-certgen/rootfs/cmd/create.go, cmd/patch.go and
// pkg/k8s/k8s.go at helm-chart-4.15.1: `create` stores a CA, certificate and key in a Secret
// (keys `ca`, `cert`, `key`) unless the Secret already holds a CA; `patch` copies that CA into
// every webhook of the named ValidatingWebhookConfiguration and, when asked, sets its
// failurePolicy. The module it lives in is not served by the Go module proxy.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// A program runs with the container's arguments and a client holding the pod's token, writes
// its log to out, and returns the container's exit code.
type program func(ctx context.Context, client kubernetes.Interface, args []string, out io.Writer) int32

// programs maps an image repository (without tag) to its simulation.
var programs = map[string]program{
	"registry.k8s.io/ingress-nginx/kube-webhook-certgen": kubeWebhookCertgen,
}

func programFor(image string) (program, bool) {
	repository := normalizeImage(imageWithoutDigest(image))
	if colon := strings.LastIndex(repository, ":"); colon > strings.LastIndex(repository, "/") {
		repository = repository[:colon]
	}
	p, ok := programs[repository]
	return p, ok
}

func kubeWebhookCertgen(ctx context.Context, client kubernetes.Interface, args []string, out io.Writer) int32 {
	if len(args) == 0 {
		fmt.Fprintln(out, "kube-webhook-certgen: want a command: create or patch")
		return 1
	}
	flags := flag.NewFlagSet(args[0], flag.ContinueOnError)
	flags.SetOutput(out)
	host := flags.String("host", "", "")
	secretName := flags.String("secret-name", "", "")
	namespace := flags.String("namespace", "", "")
	certName := flags.String("cert-name", "cert", "")
	keyName := flags.String("key-name", "key", "")
	webhookName := flags.String("webhook-name", "", "")
	patchValidating := flags.Bool("patch-validating", true, "")
	patchMutating := flags.Bool("patch-mutating", true, "")
	failurePolicy := flags.String("patch-failure-policy", "", "")
	if err := flags.Parse(args[1:]); err != nil {
		return 1
	}
	secrets := client.CoreV1().Secrets(*namespace)
	fail := func(format string, args ...any) int32 {
		fmt.Fprintf(out, "level=fatal msg=%q\n", fmt.Sprintf(format, args...))
		return 1
	}
	existingCA := func() []byte {
		secret, err := secrets.Get(ctx, *secretName, metav1.GetOptions{})
		if err != nil {
			return nil
		}
		return secret.Data["ca"]
	}

	switch args[0] {
	case "create":
		if existingCA() != nil {
			fmt.Fprintln(out, `level=info msg="secret already exists"`)
			return 0
		}
		fmt.Fprintln(out, `level=info msg="creating new secret"`)
		ca, cert, key, err := generateCertificates(strings.Split(*host, ","))
		if err != nil {
			return fail("generating certificates: %v", err)
		}
		_, err = secrets.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: *secretName, Namespace: *namespace},
			Data:       map[string][]byte{"ca": ca, *certName: cert, *keyName: key},
		}, metav1.CreateOptions{})
		if err != nil {
			return fail("failed creating secret: %v", err)
		}
		return 0
	case "patch":
		if !*patchValidating && !*patchMutating {
			return fail("patch-validating=false, patch-mutating=false. You must patch at least one kind of webhook, otherwise this command is a no-op")
		}
		if *failurePolicy != "" && *failurePolicy != "Ignore" && *failurePolicy != "Fail" {
			return fail("patch-failure-policy %s is not valid", *failurePolicy)
		}
		ca := existingCA()
		if ca == nil {
			return fail("no secret with '%s' in '%s'", *secretName, *namespace)
		}
		if *patchValidating {
			configurations := client.AdmissionregistrationV1().ValidatingWebhookConfigurations()
			configuration, err := configurations.Get(ctx, *webhookName, metav1.GetOptions{})
			if err != nil {
				return fail("failed getting validating webhook: %v", err)
			}
			for i := range configuration.Webhooks {
				configuration.Webhooks[i].ClientConfig.CABundle = ca
				if *failurePolicy != "" {
					policy := admissionregistrationv1.FailurePolicyType(*failurePolicy)
					configuration.Webhooks[i].FailurePolicy = &policy
				}
			}
			if _, err := configurations.Update(ctx, configuration, metav1.UpdateOptions{}); err != nil {
				return fail("failed patching validating webhook: %v", err)
			}
			fmt.Fprintln(out, `level=info msg="patched validating hook"`)
		}
		if *patchMutating {
			configurations := client.AdmissionregistrationV1().MutatingWebhookConfigurations()
			configuration, err := configurations.Get(ctx, *webhookName, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return fail("failed getting mutating webhook: %v", err)
			}
			if err != nil {
				return fail("%v", err)
			}
			for i := range configuration.Webhooks {
				configuration.Webhooks[i].ClientConfig.CABundle = ca
			}
			if _, err := configurations.Update(ctx, configuration, metav1.UpdateOptions{}); err != nil {
				return fail("failed patching mutating webhook: %v", err)
			}
		}
		return 0
	default:
		return fail("unknown command %q", args[0])
	}
}

// generateCertificates makes a CA and a serving certificate for the given names, PEM-encoded.
func generateCertificates(hosts []string) (caPEM, certPEM, keyPEM []byte, err error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "simulated kube-webhook-certgen CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(100 * 365 * 24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: hosts[0]},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(100 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, host := range hosts {
		if ip := net.ParseIP(host); ip != nil {
			template.IPAddresses = append(template.IPAddresses, ip)
		} else if host != "" {
			template.DNSNames = append(template.DNSNames, host)
		}
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, nil, nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, template, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
		nil
}
