{{/* Name prefix of every object: the release name, plus "-ferrodon" unless it already says so. */}}
{{- define "ferrodon.fullname" -}}
{{- if contains "ferrodon" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-ferrodon" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ferrodon.labels" -}}
app.kubernetes.io/name: ferrodon
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ferrodon.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The Secret every process reads. */}}
{{- define "ferrodon.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "ferrodon.fullname" .)) -}}
{{- end -}}

{{/* ConfigMap data: env plus what the chart decides. */}}
{{- define "ferrodon.envData" -}}
{{- range $k, $v := .Values.env }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
BIND: "0.0.0.0"
FERRODON_METRICS_PORT: {{ .Values.metricsPort | toString | quote }}
MALLOC_ARENA_MAX: "2"
{{- end -}}

{{/* Secret data, base64-encoded; empty values left out. */}}
{{- define "ferrodon.secretData" -}}
{{- range $k, $v := .Values.secrets.values }}
{{- if $v }}
{{ $k }}: {{ $v | toString | b64enc | quote }}
{{- end }}
{{- end }}
{{- end -}}
