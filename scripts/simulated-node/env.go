package main

// A container's environment and argument list, resolved as kubelet does
// (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, third_party/forked/golang/expansion).

import (
	"context"
	"fmt"
	"math"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

type envVar struct{ name, value string }

// containerEnvironment is envFrom, then env (later entries win, and may refer to earlier ones
// as $(NAME)), then the API server's Service variables, as kubelet orders them.
func containerEnvironment(ctx context.Context, client kubernetes.Interface, pod *corev1.Pod, container corev1.Container, podIP string, apiHost, apiPort string) ([]envVar, error) {
	var env []envVar
	set := func(name, value string) {
		for i := range env {
			if env[i].name == name {
				env[i].value = value
				return
			}
		}
		env = append(env, envVar{name, value})
	}
	lookup := func(name string) (string, bool) {
		for _, variable := range env {
			if variable.name == name {
				return variable.value, true
			}
		}
		return "", false
	}

	for _, source := range container.EnvFrom {
		data, err := envSourceData(ctx, client, pod.Namespace, source)
		if err != nil {
			return nil, err
		}
		for key, value := range data {
			set(source.Prefix+key, value)
		}
	}
	for _, variable := range container.Env {
		if variable.ValueFrom == nil {
			set(variable.Name, expand(variable.Value, lookup))
			continue
		}
		value, err := envValueFrom(ctx, client, pod, container, podIP, variable)
		if err != nil {
			return nil, err
		}
		set(variable.Name, value)
	}
	// No kube-proxy runs, so the `kubernetes` Service's address is the API server's own.
	for name, value := range map[string]string{
		"KUBERNETES_SERVICE_HOST":       apiHost,
		"KUBERNETES_SERVICE_PORT":       apiPort,
		"KUBERNETES_SERVICE_PORT_HTTPS": apiPort,
		"KUBERNETES_PORT":               "tcp://" + apiHost + ":" + apiPort,
	} {
		if _, ok := lookup(name); !ok {
			set(name, value)
		}
	}
	if _, ok := lookup("HOSTNAME"); !ok {
		set("HOSTNAME", pod.Name)
	}
	return env, nil
}

func envSourceData(ctx context.Context, client kubernetes.Interface, namespace string, source corev1.EnvFromSource) (map[string]string, error) {
	data := map[string]string{}
	switch {
	case source.ConfigMapRef != nil:
		configMap, err := client.CoreV1().ConfigMaps(namespace).Get(ctx, source.ConfigMapRef.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) && source.ConfigMapRef.Optional != nil && *source.ConfigMapRef.Optional {
			return data, nil
		}
		if err != nil {
			return nil, fmt.Errorf("configmap %q: %v", source.ConfigMapRef.Name, err)
		}
		for key, value := range configMap.Data {
			data[key] = value
		}
	case source.SecretRef != nil:
		secret, err := client.CoreV1().Secrets(namespace).Get(ctx, source.SecretRef.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) && source.SecretRef.Optional != nil && *source.SecretRef.Optional {
			return data, nil
		}
		if err != nil {
			return nil, fmt.Errorf("secret %q: %v", source.SecretRef.Name, err)
		}
		for key, value := range secret.Data {
			data[key] = string(value)
		}
	}
	return data, nil
}

func envValueFrom(ctx context.Context, client kubernetes.Interface, pod *corev1.Pod, container corev1.Container, podIP string, variable corev1.EnvVar) (string, error) {
	from := variable.ValueFrom
	switch {
	case from.FieldRef != nil:
		return podField(pod, podIP, from.FieldRef.FieldPath)
	case from.ResourceFieldRef != nil:
		return resourceField(container, from.ResourceFieldRef)
	case from.ConfigMapKeyRef != nil:
		ref := from.ConfigMapKeyRef
		configMap, err := client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			if apierrors.IsNotFound(err) && ref.Optional != nil && *ref.Optional {
				return "", nil
			}
			return "", fmt.Errorf("env %s: configmap %q: %v", variable.Name, ref.Name, err)
		}
		value, ok := configMap.Data[ref.Key]
		if !ok && (ref.Optional == nil || !*ref.Optional) {
			return "", fmt.Errorf("env %s: configmap %q has no key %q", variable.Name, ref.Name, ref.Key)
		}
		return value, nil
	case from.SecretKeyRef != nil:
		ref := from.SecretKeyRef
		secret, err := client.CoreV1().Secrets(pod.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			if apierrors.IsNotFound(err) && ref.Optional != nil && *ref.Optional {
				return "", nil
			}
			return "", fmt.Errorf("env %s: secret %q: %v", variable.Name, ref.Name, err)
		}
		value, ok := secret.Data[ref.Key]
		if !ok && (ref.Optional == nil || !*ref.Optional) {
			return "", fmt.Errorf("env %s: secret %q has no key %q", variable.Name, ref.Name, ref.Key)
		}
		return string(value), nil
	}
	return "", nil
}

// resourceField is a container's request or limit divided by the divisor, rounded up, as the
// downward API gives it.
func resourceField(container corev1.Container, ref *corev1.ResourceFieldSelector) (string, error) {
	kind, name, ok := strings.Cut(ref.Resource, ".")
	if !ok {
		return "", fmt.Errorf("unsupported resource field %q", ref.Resource)
	}
	list := container.Resources.Limits
	if kind == "requests" {
		list = container.Resources.Requests
	}
	quantity, ok := list[corev1.ResourceName(name)]
	if !ok {
		return "0", nil
	}
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	return fmt.Sprintf("%d", int64(math.Ceil(float64(quantity.MilliValue())/float64(divisor.MilliValue())))), nil
}

// expand replaces $(NAME) with NAME's value when it is defined, leaves unknown references as
// written, and turns $$ into $.
func expand(input string, lookup func(string) (string, bool)) string {
	var out strings.Builder
	for i := 0; i < len(input); i++ {
		if input[i] != '$' || i+1 >= len(input) {
			out.WriteByte(input[i])
			continue
		}
		switch next := input[i+1]; {
		case next == '$':
			out.WriteByte('$')
			i++
		case next == '(':
			end := strings.IndexByte(input[i+2:], ')')
			if end < 0 {
				out.WriteString(input[i:])
				return out.String()
			}
			name := input[i+2 : i+2+end]
			if value, ok := lookup(name); ok {
				out.WriteString(value)
			} else {
				out.WriteString(input[i : i+3+end])
			}
			i += 2 + end
		default:
			out.WriteByte('$')
		}
	}
	return out.String()
}

// containerArgv is what runs: the image's entrypoint replaced by the binary, then the rest of
// `command` (whose first word names the entrypoint inside the image) and `args`.
func containerArgv(binary string, container corev1.Container, env []envVar) []string {
	lookup := func(name string) (string, bool) {
		for _, variable := range env {
			if variable.name == name {
				return variable.value, true
			}
		}
		return "", false
	}
	argv := []string{binary}
	if len(container.Command) > 1 {
		for _, word := range container.Command[1:] {
			argv = append(argv, expand(word, lookup))
		}
	}
	for _, word := range container.Args {
		argv = append(argv, expand(word, lookup))
	}
	return argv
}
