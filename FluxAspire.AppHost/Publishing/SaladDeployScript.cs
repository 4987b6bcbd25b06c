using System.Text;

namespace FluxAspire.AppHost.Publishing;

/// <summary>
/// salad-deploy.sh: fills the placeholders of salad-container-group.json from environment variables (JSON-escaped,
/// so any secret value is safe) and creates the container group with Salad's API. Needs only bash and curl, and
/// refuses to send a body with a required value missing.
/// </summary>
internal static class SaladDeployScript
{
    public const string FileName = "salad-deploy.sh";
    public const string ApiBase = "https://api.salad.com/api/public";

    public static string Build(IEnumerable<Placeholder> variables)
    {
        var table = new StringBuilder();
        foreach (var v in variables)
        {
            table.Append($"  '{v.Name}|{(v.Required ? "required" : "optional")}|{v.Default}|{v.Description.Replace("'", "", StringComparison.Ordinal)}'\n");
        }

        return $$"""
            #!/usr/bin/env bash
            # Creates the container group described by salad-container-group.json on SaladCloud.
            # Written by the AppHost's manifest publishing; run it from anywhere. Needs bash and curl.
            #
            #   export SALAD_API_KEY=... SALAD_ORGANIZATION=my-org SALAD_PROJECT=my-project
            #   export <the variables listed below>
            #   ./salad-deploy.sh           # POST the container group
            #   ./salad-deploy.sh --print   # print the filled-in body (secrets included) and send nothing
            set -euo pipefail
            shopt -u patsub_replacement 2>/dev/null || true   # bash 5.2+: '&' in a value must stay '&'

            here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
            body=$(<"$here/{{SaladContainerGroup.FileName}}")

            # name|required or optional|default|meaning
            variables=(
            {{table}})

            missing=()
            for entry in "${variables[@]}"; do
              IFS='|' read -r name need default meaning <<<"$entry"
              value=${!name-$default}
              if [[ -z "$value" && "$need" == required ]]; then
                missing+=("$name ($meaning)")
                continue
              fi
              value=${value//\\/\\\\}
              value=${value//\"/\\\"}
              value=${value//$'\n'/\\n}
              value=${value//$'\r'/\\r}
              value=${value//$'\t'/\\t}
              body=${body//"\${$name}"/$value}
            done

            if ((${#missing[@]})); then
              printf 'Set these environment variables first:\n' >&2
              printf '  %s\n' "${missing[@]}" >&2
              exit 2
            fi

            if [[ "${1-}" == --print ]]; then
              printf '%s\n' "$body"
              exit 0
            fi

            : "${SALAD_API_KEY:?set SALAD_API_KEY (SaladCloud portal: API Access)}"
            : "${SALAD_ORGANIZATION:?set SALAD_ORGANIZATION}"
            : "${SALAD_PROJECT:?set SALAD_PROJECT}"
            curl --fail-with-body -sS -X POST \
              "{{ApiBase}}/organizations/$SALAD_ORGANIZATION/projects/$SALAD_PROJECT/containers" \
              -H "Salad-Api-Key: $SALAD_API_KEY" \
              -H 'Content-Type: application/json' \
              --data-binary @- <<<"$body"
            echo
            """.ReplaceLineEndings("\n") + "\n";
    }
}
