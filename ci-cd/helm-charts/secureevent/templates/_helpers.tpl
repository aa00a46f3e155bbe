{{/* Labels every object carries; the pod templates get "part-of" only, like the Kustomize base. */}}
{{- define "secureevent.labels" -}}
app.kubernetes.io/part-of: secureevent
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* An image reference: <registry>/<name>@<digest> when a digest is set (prod), else :<tag>. */}}
{{- define "secureevent.image" -}}
{{- $image := .image | default dict -}}
{{- if $image.digest -}}
{{ .root.Values.imageRegistry }}/{{ .name }}@{{ $image.digest }}
{{- else -}}
{{ .root.Values.imageRegistry }}/{{ .name }}:{{ required (printf "%s: set image.tag or image.digest" .name) $image.tag }}
{{- end -}}
{{- end }}

{{/* The node spread and the zone spread of one workload (maxSkew 1). */}}
{{- define "secureevent.spread" -}}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: {{ .root.Values.spread.nodes }}
  labelSelector:
    matchLabels:
      app.kubernetes.io/name: {{ .name }}
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      app.kubernetes.io/name: {{ .name }}
{{- end }}

{{/* The hardened container securityContext every container runs with. */}}
{{- define "secureevent.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ['ALL']
{{- end }}

{{/* The pod securityContext for a numeric uid (1000 for the services, 101 for nginx). */}}
{{- define "secureevent.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "secureevent.preStop" -}}
preStop:
  exec:
    command: ['sleep', '{{ .Values.shutdown.preStopSleepSeconds }}']
{{- end }}

{{/* A list of strings as CEL string literals, comma-separated: 'a/', 'b/'. */}}
{{- define "secureevent.celStrings" -}}
{{- $quoted := list -}}
{{- range . }}{{ $quoted = append $quoted (printf "'%s'" .) }}{{ end -}}
{{- join ", " $quoted -}}
{{- end }}

{{/* PLATFORM_HEALTH_URLS: each service's Service and port, in the order the Kustomize base lists them (ADR 0031). */}}
{{- define "secureevent.healthUrls" -}}
{{- $urls := list -}}
{{- range $name := list "user-service" "event-service" "notification-service" "audit-service" -}}
{{- $urls = append $urls (printf "%s=http://%s:%v" $name $name (index $.Values.services $name).port) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end }}
