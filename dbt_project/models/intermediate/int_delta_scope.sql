-- The documents a delta night can change in the facts and marts (macros/delta.sql): the
-- night's own documents (new, re-parsed, gone, re-checked), every document whose address or
-- placement moved since the published build (a new posting, a unit placed in another region),
-- and every document of the department-years any of those belongs to, now or in the published
-- build: a new version of a budget takes the older one out of the facts, a gone one brings it
-- back. One row per document and state (now / published), with the groups the marts key on.
-- Built before the marts, while marts.dim_document is still the published build's.
-- Without a delta (a plain or a full build) it is empty, and nothing reads it.
{{ config(materialized='table') }}

{#- the published build's dim_document, by name: a ref would order this model after its rebuild -#}
{%- set published = adapter.get_relation(database=this.database, schema='marts', identifier='dim_document')
    if execute and delta_requested() else none %}

with night as (
    {{ delta_documents_relation() }}
),

now as (
    -- the columns the facts copy from dim_document, for dim_document's documents
    select document_sha256, department_key, region_code, fiscal_year, doc_type, attachment_url
    from {{ ref('int_documents') }}
    where {{ is_document_of_the_marts() }}
{%- if not delta_requested() %}
        and false
{%- endif %}
),

published as (
{%- if published is not none %}
    select document_sha256, department_key, region_code, fiscal_year, doc_type, attachment_url
    from {{ published }}
{%- else %}
    select * from now where false
{%- endif %}
),

touched as (
    select document_sha256 from night
    union
    select document_sha256 from (select * from now except select * from published)
    union
    select document_sha256 from (select * from published except select * from now)
),

touched_groups as (
    select {{ version_group() }} as version_group, fiscal_year, doc_type
    from now where document_sha256 in (select document_sha256 from touched)
    union
    select {{ version_group() }}, fiscal_year, doc_type
    from published where document_sha256 in (select document_sha256 from touched)
),

in_scope as (
    select 'now' as state, now.*
    from now
    where exists (
        select 1 from touched_groups as touched
        where touched.version_group = {{ version_group('now') }}
            and touched.fiscal_year is not distinct from now.fiscal_year
            and touched.doc_type is not distinct from now.doc_type)
    union all
    select 'published', published.*
    from published
    where document_sha256 in (select document_sha256 from touched)
)

select state, document_sha256, department_key, region_code, fiscal_year, doc_type
from in_scope
