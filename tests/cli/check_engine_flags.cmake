# The engines' own flags on the command line (CONTRACTS.md §6.3): each sets its option, the table
# prints the start-up lines, and a flag of another engine is refused naming the field.
execute_process(COMMAND ${CLI} --model llama-3.1-8b --engine vllm --gpu-memory-utilization 0.85 --max-model-len 16384
                        --max-num-seqs 64 --kv-cache-dtype fp8 --enforce-eager --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vllm flags: exit ${rc}: ${out}${err}")
endif()
foreach(want "\"name\":\"vllm\"" "\"max_model_len\":16384" "\"max_num_seqs\":64" "\"cuda_graph_bytes\":0"
             "Maximum concurrency for 16,384 tokens per request")
  string(FIND "${out}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "vllm flags: no ${want} in: ${out}")
  endif()
endforeach()
execute_process(COMMAND ${CLI} --model qwen3-30b-a3b --weights q4_k_m --engine llamacpp -c 32768 -ngl 20 -ctk q8_0 -ctv q8_0 -fa on -ts 3,1 --gpus 2
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "llama.cpp flags: exit ${rc}: ${out}${err}")
endif()
foreach(want "llama_kv_cache: size" "K (q8_0)" "offloading 20 repeating layers" "CUDA1" "CPU")
  string(FIND "${out}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "llama.cpp flags: no ${want} in: ${out}")
  endif()
endforeach()
execute_process(COMMAND ${CLI} --model llama-3.1-8b --engine sglang --mem-fraction-static 1.5 --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(FIND "${out}" "\"field\":\"inference.engine.mem_fraction_static\"" at)
if(NOT rc EQUAL 2 OR at EQUAL -1)
  message(FATAL_ERROR "an out-of-range engine flag: exit ${rc}, ${out}${err}")
endif()
execute_process(COMMAND ${CLI} --model llama-3.1-8b --engine vllm --n-gpu-layers 10
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "a llama.cpp flag with --engine vllm should be a usage error, got ${rc}: ${out}${err}")
endif()
