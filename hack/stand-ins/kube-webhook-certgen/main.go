// Command kube-webhook-certgen stands in for ingress-nginx's certificate hook image
// (registry.k8s.io/ingress-nginx/kube-webhook-certgen), whose module the Go module proxy does not
// serve. It does that image's two jobs the way upstream does them, following
// kubernetes/ingress-nginx images/kube-webhook-certgen/rootfs/cmd/create.go, cmd/patch.go and
// pkg/k8s/k8s.go at helm-chart-4.15.1:
//
//   - create: stores a CA, a serving certificate and its key in a Secret (keys `ca`, `cert`,
//     `key` unless renamed) unless the Secret already holds a CA;
//   - patch: copies that CA into every webhook of the named ValidatingWebhookConfiguration (and
//     MutatingWebhookConfiguration when asked) and, when asked, sets their failurePolicy.
//
// It runs in the hook Job's pod with the pod's service account, so the chart's RBAC decides what
// it may do, as for the real image. Upstream's flags it does not read are refused by name.
package main

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
	"math/big"
	"net"
	"os"
	"strings"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "create" && os.Args[1] != "patch") {
		fatal("want a command: create or patch")
	}
	command := os.Args[1]
	flags := flag.NewFlagSet(command, flag.ExitOnError)
	host := flags.String("host", "", "comma-separated names of the serving certificate")
	secretName := flags.String("secret-name", "", "Secret holding the CA, certificate and key")
	namespace := flags.String("namespace", "", "namespace of the Secret")
	certName := flags.String("cert-name", "cert", "key of the certificate in the Secret")
	keyName := flags.String("key-name", "key", "key of the private key in the Secret")
	caName := flags.String("ca-name", "ca", "key of the CA in the Secret")
	webhookName := flags.String("webhook-name", "", "webhook configuration to patch")
	patchValidating := flags.Bool("patch-validating", true, "patch the ValidatingWebhookConfiguration")
	patchMutating := flags.Bool("patch-mutating", true, "patch the MutatingWebhookConfiguration")
	failurePolicy := flags.String("patch-failure-policy", "", "failurePolicy to set: Ignore or Fail")
	_ = flags.String("log-format", "text", "accepted for compatibility")
	_ = flags.String("log-level", "info", "accepted for compatibility")
	_ = flags.Parse(os.Args[2:])

	config, err := rest.InClusterConfig()
	if err != nil {
		fatal("in-cluster configuration: %v", err)
	}
	client := kubernetes.NewForConfigOrDie(config)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	secrets := client.CoreV1().Secrets(*namespace)
	existingCA := func() []byte {
		secret, err := secrets.Get(ctx, *secretName, metav1.GetOptions{})
		if err != nil {
			return nil
		}
		return secret.Data[*caName]
	}

	switch command {
	case "create":
		if existingCA() != nil {
			info("secret already exists")
			return
		}
		info("creating new secret")
		ca, cert, key, err := generateCertificates(strings.Split(*host, ","))
		if err != nil {
			fatal("generating certificates: %v", err)
		}
		_, err = secrets.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: *secretName, Namespace: *namespace},
			Data:       map[string][]byte{*caName: ca, *certName: cert, *keyName: key},
		}, metav1.CreateOptions{})
		if err != nil {
			fatal("failed creating secret: %v", err)
		}
	case "patch":
		if !*patchValidating && !*patchMutating {
			fatal("patch-validating=false, patch-mutating=false. You must patch at least one kind of webhook, otherwise this command is a no-op")
		}
		if *failurePolicy != "" && *failurePolicy != "Ignore" && *failurePolicy != "Fail" {
			fatal("patch-failure-policy %s is not valid", *failurePolicy)
		}
		ca := existingCA()
		if ca == nil {
			fatal("no secret with '%s' in '%s'", *secretName, *namespace)
		}
		if *patchValidating {
			configurations := client.AdmissionregistrationV1().ValidatingWebhookConfigurations()
			configuration, err := configurations.Get(ctx, *webhookName, metav1.GetOptions{})
			if err != nil {
				fatal("failed getting validating webhook: %v", err)
			}
			for i := range configuration.Webhooks {
				configuration.Webhooks[i].ClientConfig.CABundle = ca
				if *failurePolicy != "" {
					policy := admissionregistrationv1.FailurePolicyType(*failurePolicy)
					configuration.Webhooks[i].FailurePolicy = &policy
				}
			}
			if _, err := configurations.Update(ctx, configuration, metav1.UpdateOptions{}); err != nil {
				fatal("failed patching validating webhook: %v", err)
			}
			info("patched validating hook")
		}
		if *patchMutating {
			configurations := client.AdmissionregistrationV1().MutatingWebhookConfigurations()
			configuration, err := configurations.Get(ctx, *webhookName, metav1.GetOptions{})
			if err != nil {
				fatal("failed getting mutating webhook: %v", err)
			}
			for i := range configuration.Webhooks {
				configuration.Webhooks[i].ClientConfig.CABundle = ca
			}
			if _, err := configurations.Update(ctx, configuration, metav1.UpdateOptions{}); err != nil {
				fatal("failed patching mutating webhook: %v", err)
			}
			info("patched mutating hook")
		}
	}
}

func info(message string) { fmt.Printf("level=info msg=%q\n", message) }

func fatal(format string, args ...any) {
	fmt.Printf("level=fatal msg=%q\n", fmt.Sprintf(format, args...))
	os.Exit(1)
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
		Subject:               pkix.Name{CommonName: "kube-webhook-certgen stand-in CA"},
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
	caCert, err := x509.ParseCertificate(caDER)
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
